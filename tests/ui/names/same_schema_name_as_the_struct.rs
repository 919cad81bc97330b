// A field whose type has the struct's own schema name (`shop.Order`, inherited namespace).
use streamhouse_schema::StreamSchema;

mod legacy {
    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema)]
    pub struct Order {
        pub id: String,
    }
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct Order {
    id: String,
    replaces: Vec<legacy::Order>,
}

fn main() {}
