// Types of two packages that hold each other: a Protobuf file has one package and files
// cannot import each other, so their messages could not keep their full names. The pin
// builds the Protobuf view at compile time, as the runtime registers it, and refuses it.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "ring.b", protobuf)]
struct Link {
    #[stream_schema(tag = 1)]
    to: Vec<Node>,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "ring.a", pin = "proto_packages_hold_each_other.proto")]
struct Node {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    links: Vec<Link>,
}

fn main() {}
