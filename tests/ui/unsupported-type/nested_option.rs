use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Patch {
    name: Option<Option<String>>,
}

fn main() {}
