use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
enum Payment {
    #[stream_schema(tag = 1)]
    Card(String),
    Cash(i64),
}

fn main() {}
