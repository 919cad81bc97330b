use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
