// Protobuf decoding does not borrow yet, so a borrowing type is not a Protobuf message.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
struct Note<'a> {
    #[stream_schema(tag = 1)]
    author: &'a str,
}

fn main() {}
