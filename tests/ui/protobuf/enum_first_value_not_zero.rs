use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
enum Status {
    Placed = 1,
    Shipped = 2,
}

fn main() {}
