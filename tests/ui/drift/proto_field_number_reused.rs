// `qty` (number 2, int32) was dropped and its number given to a new string field: records
// already written hold an int32 under 2, which the new type would read as a string.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "proto_field_number_reused.proto")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    note: String,
}

fn main() {}
