// A borrowing Protobuf message cannot declare a oneof inline: its members are read by the
// owned enum's code, which does not borrow.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
enum Contact {
    #[stream_schema(tag = 2)]
    Email(String),
    #[stream_schema(tag = 3)]
    Phone(String),
}

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
struct Person<'a> {
    #[stream_schema(tag = 1)]
    name: &'a str,
    #[stream_schema(oneof)]
    contact: Option<Contact>,
}

fn main() {}
