use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
struct CardNumber(#[stream_schema(tags("PII"))] String);

fn main() {}
