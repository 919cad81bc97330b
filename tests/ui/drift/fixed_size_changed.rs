// v1's Checksum was 16 bytes; it became 8.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "fixed_size_changed.avsc")]
struct Order {
    id: String,
    checksum: Checksum,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop")]
struct Checksum([u8; 8]);

fn main() {}
