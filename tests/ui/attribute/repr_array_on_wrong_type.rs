use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Blob {
    #[stream_schema(repr = "array")]
    data: String,
}

fn main() {}
