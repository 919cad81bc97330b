use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Samples {
    values: [i32; 4],
}

fn main() {}
