use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf, rename_all = "snake_case")]
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
    #[stream_schema(tag = 4)]
    card: String,
}

fn main() {}
