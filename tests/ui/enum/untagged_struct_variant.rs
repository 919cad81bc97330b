use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(untagged)]
enum Value {
    Int(i32),
    Pair { a: i32, b: i32 },
}

fn main() {}
