use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(reserved(2, "discount"))]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 3)]
    discount: f64,
}

fn main() {}
