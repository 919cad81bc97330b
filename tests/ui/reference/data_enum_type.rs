use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(reference)]
enum Payment {
    Card { last4: String },
    Cash,
}

fn main() {}
