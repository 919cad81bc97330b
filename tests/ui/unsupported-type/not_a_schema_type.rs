// A type the derive cannot judge from its tokens: the trait system reports it, once.
use streamhouse_schema::StreamSchema;

struct Opaque;

#[derive(StreamSchema)]
struct Holder {
    inner: Opaque,
}

fn main() {}
