use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Status {
    #[stream_schema(defualt)]
    New,
    Paid,
}

fn main() {}
