use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Event {
    Created {
        #[stream_schema(key)]
        id: i64,
    },
}

fn main() {}
