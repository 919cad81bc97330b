use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(rule(name = "id_set", expr = "message.id != null"))]
struct Order {
    id: String,
}

fn main() {}
