// A borrowing type decodes only through AvroBorrowDecode/JsonBorrowDecode: where an owned
// decode is required (`T: AvroDecode`, as `Consumer::decode` requires), it is refused.
use streamhouse_schema::{AvroDecode, StreamSchema};

#[derive(StreamSchema)]
struct Note<'a> {
    author: &'a str,
}

fn read_owned<T: AvroDecode>(mut bytes: &[u8]) -> Option<T> {
    T::decode_avro(&mut bytes).ok()
}

fn main() {
    let _ = read_owned::<Note<'static>>(b"\x02a");
}
