use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Order {
    id: String,
    #[stream_schema(reference, decimal(precision = 10, scale = 2))]
    total: rust_decimal::Decimal,
}

fn main() {}
