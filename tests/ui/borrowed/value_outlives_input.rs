// A decoded borrowing value cannot outlive the bytes it was read from.
use streamhouse_schema::{AvroBorrowDecode, StreamSchema};

#[derive(StreamSchema)]
struct Note<'a> {
    author: &'a str,
}

fn main() {
    let note = {
        let bytes = vec![2u8, b'a'];
        Note::from_avro_borrowed(&bytes).ok()
    };
    let _ = note.map(|n| n.author.len());
}
