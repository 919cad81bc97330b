// Two different types named `shop.Order` as fields of one struct: the schema could hold
// only one of them, so the derive refuses it at compile time.
use streamhouse_schema::StreamSchema;

mod v1 {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema)]
    #[stream_schema(namespace = "shop")]
    pub struct Order {
        pub id: String,
    }
}

mod v2 {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema)]
    #[stream_schema(name = "Order", namespace = "shop")]
    pub struct PlacedOrder {
        pub id: String,
        pub cents: i64,
    }
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct Both {
    current: v1::Order,
    previous: Option<v2::PlacedOrder>,
}

fn main() {}
