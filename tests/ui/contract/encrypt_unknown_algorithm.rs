use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(encrypt(tags("PII"), kek = "orders-kek", algorithm = "DES"))]
struct Order {
    #[stream_schema(tags("PII"))]
    card: String,
}

fn main() {}
