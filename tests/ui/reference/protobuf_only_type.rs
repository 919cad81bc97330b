use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "billing", protobuf)]
struct Money {
    #[stream_schema(tag = 1)]
    cents: i64,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", format = "protobuf")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2, reference)]
    total: Money,
}

#[derive(StreamSchema)]
#[stream_schema(format = "protobuf", reference)]
struct Line {
    #[stream_schema(tag = 1)]
    sku: String,
}

fn main() {}
