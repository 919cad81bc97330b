use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct Price {
    amount: rust_decimal::Decimal,
}

fn main() {}
