// Only a struct with named fields can borrow from a Protobuf payload: a borrowing data enum
// (a oneof) is refused.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
enum Pick<'a> {
    #[stream_schema(tag = 1)]
    Word(&'a str),
    #[stream_schema(tag = 2)]
    Number(i64),
}

fn main() {}
