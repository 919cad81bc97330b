use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(format = "protobuf")]
struct Envelope<T> {
    #[stream_schema(tag = 1)]
    body: T,
}

fn main() {}
