use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(tag = 536870912)]
    id: String,
}

fn main() {}
