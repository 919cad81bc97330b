use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(encrypt(kek = "orders-kek", kms = "local-kms", key_id = "k"))]
struct Order {
    #[stream_schema(tags("PII"))]
    card: String,
}

fn main() {}
