use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 1)]
    amount: f64,
}

fn main() {}
