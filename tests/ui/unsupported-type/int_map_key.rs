use std::collections::HashMap;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Counts {
    by_id: HashMap<i32, String>,
}

fn main() {}
