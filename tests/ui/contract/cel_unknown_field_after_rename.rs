use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rename_all = "camelCase")]
#[stream_schema(rule(name = "has_total", expr = "message.total_cents >= 0"))]
struct Order {
    id: String,
    total_cents: i64,
}

fn main() {}
