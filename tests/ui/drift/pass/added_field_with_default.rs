// v1 had `id` and `amount`; `currency` (with a default) and `note` (an Option, null by
// default) were added: new readers fill them in for old records.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "added_field_with_default.avsc")]
struct Order {
    id: String,
    amount: i64,
    #[stream_schema(default = "\"EUR\"")]
    currency: String,
    note: Option<String>,
}

fn main() {}
