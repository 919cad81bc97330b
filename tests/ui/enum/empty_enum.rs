use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Never {}

fn main() {}
