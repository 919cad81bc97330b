// A non-null default on an Option puts null last (`[T, "null"]`); Avro then requires the
// default to match T, the first branch.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Settings {
    #[stream_schema(default = "\"none\"")]
    limit: Option<i32>,
}

fn main() {}
