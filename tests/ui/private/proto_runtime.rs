// The Protobuf runtime of generated messages is not part of the public `codec` module.
use streamhouse_schema::codec::proto::ints::Sint64;
use streamhouse_schema::codec::proto::{encode_key, read_len, skip_field};
use streamhouse_schema::codec::proto::{ProtoCodec, ProtoOneof};

fn main() {}
