// A schema default is not in the input, so a borrowed field cannot take one.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Note<'a> {
    #[stream_schema(default = "\"anonymous\"")]
    author: &'a str,
}

fn main() {}
