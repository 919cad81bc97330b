use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    #[stream_schema(tag = 19500)]
    id: String,
}

fn main() {}
