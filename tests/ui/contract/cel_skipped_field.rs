use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "cached_set", expr = "message.cache != \"\""))]
struct Order {
    id: String,
    #[stream_schema(skip, default)]
    cache: String,
}

fn main() {}
