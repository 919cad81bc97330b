// A JSON Schema pin: v1 had `id` and `amount`; `coupon` was added as a required property.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(
    namespace = "shop",
    additional_properties = false,
    pin = "json_required_property_added.json"
)]
struct Order {
    id: String,
    amount: i64,
    coupon: String,
}

fn main() {}
