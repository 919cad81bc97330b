// v1 was `shop.Order`; the namespace became `shop.v2` without an alias. Avro Java's
// `SchemaCompatibility.schemaNameEquals` compares unqualified names, so Confluent's registry
// accepts this, and the pin check agrees.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop.v2", pin = "namespace_changed.avsc")]
struct Order {
    id: String,
    amount: i64,
}

fn main() {}
