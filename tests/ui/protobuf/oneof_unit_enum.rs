use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
enum Method {
    Unspecified,
    Card,
    Cash,
}

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(oneof)]
    payment: Option<Method>,
}

fn main() {}
