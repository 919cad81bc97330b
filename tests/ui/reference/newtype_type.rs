use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(reference)]
struct Sku(String);

fn main() {}
