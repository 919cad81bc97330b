use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    id: i64,
    #[stream_schema(rename = "id")]
    legacy_id: i64,
}

fn main() {}
