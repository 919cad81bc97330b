use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    id: String,
    #[stream_schema(reference)]
    skus: Vec<String>,
}

fn main() {}
