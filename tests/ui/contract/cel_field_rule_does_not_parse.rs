use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "mask", type = "CEL_FIELD", kind = "TRANSFORM", mode = "READ", expr = "name == 'card' ; value +"))]
struct Order {
    card: String,
}

fn main() {}
