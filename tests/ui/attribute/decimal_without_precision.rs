use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Price {
    #[stream_schema(decimal(scale = 2))]
    amount: rust_decimal::Decimal,
}

fn main() {}
