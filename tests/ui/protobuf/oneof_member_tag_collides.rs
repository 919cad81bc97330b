use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
enum Payment {
    #[stream_schema(tag = 2)]
    Card(String),
    #[stream_schema(tag = 3)]
    Account(i64),
}

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(oneof)]
    payment: Option<Payment>,
    #[stream_schema(tag = 3)]
    note: String,
}

fn main() {}
