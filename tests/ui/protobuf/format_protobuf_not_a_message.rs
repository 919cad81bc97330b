use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(format = "protobuf")]
enum Status {
    Unknown = 0,
    Paid = 1,
}

fn main() {}
