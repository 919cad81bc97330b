// A JSON Schema pin: v1 had `id` and `amount`; `note` was added as an optional property
// (an Option is not required), which a closed content model allows.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(
    namespace = "shop",
    additional_properties = false,
    pin = "json_optional_property_added.json"
)]
struct Order {
    id: String,
    amount: i64,
    note: Option<String>,
}

fn main() {}
