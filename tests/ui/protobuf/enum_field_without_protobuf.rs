// A unit enum used as a field of a Protobuf message must be derived with Protobuf too: the
// hint says which attribute to add to the enum.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Status {
    Active,
    Closed,
}

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
struct Account {
    #[stream_schema(tag = 1)]
    status: Status,
}

fn main() {}
