use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
enum Payment {
    #[stream_schema(tag = 2)]
    Cash,
    #[stream_schema(tag = 3)]
    Card(String),
}

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(oneof)]
    payment: Option<Payment>,
}

fn main() {}
