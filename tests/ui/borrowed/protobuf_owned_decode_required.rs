// A borrowing Protobuf message is read with ProtoBorrowDecode only: it has no owned
// `decode_proto` (no prost::Message).
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(protobuf)]
struct Note<'a> {
    #[stream_schema(tag = 1)]
    author: &'a str,
}

fn main() {
    let _ = Note::decode_proto(b"\x0a\x01a");
}
