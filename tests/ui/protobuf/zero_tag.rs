use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(tag = 0)]
    id: String,
}

fn main() {}
