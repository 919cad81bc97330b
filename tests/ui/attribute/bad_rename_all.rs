use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rename_all = "camel")]
struct Order {
    order_id: i64,
}

fn main() {}
