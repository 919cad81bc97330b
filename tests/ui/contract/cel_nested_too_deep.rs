use streamhouse_schema::StreamSchema;

// 33 nested parentheses: one level past MAX_CEL_NESTING (32), the runtime's limit too.
#[derive(StreamSchema)]
#[stream_schema(rule(name = "deep", expr = "(((((((((((((((((((((((((((((((((message.amount))))))))))))))))))))))))))))))))) > 0.0"))]
struct Order {
    id: String,
    amount: f64,
}

fn main() {}
