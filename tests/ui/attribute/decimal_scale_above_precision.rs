use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Price {
    #[stream_schema(decimal(precision = 4, scale = 6))]
    amount: rust_decimal::Decimal,
}

fn main() {}
