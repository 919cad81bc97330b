use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(name = "Order.V2")]
struct Order {
    id: i64,
}

fn main() {}
