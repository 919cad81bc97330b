use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(metadata(major_version = "two"))]
struct Order {
    id: String,
}

fn main() {}
