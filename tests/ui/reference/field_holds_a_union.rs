use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
enum Payment {
    Card { last4: String },
    Cash,
}

#[derive(StreamSchema)]
struct Order {
    id: String,
    #[stream_schema(reference)]
    payment: Option<Payment>,
}

fn main() {}
