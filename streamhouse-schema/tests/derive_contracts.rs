//! Data contracts declared on a type: field tags in the three generated schemas, the
//! rules and metadata of `StreamSchema::contract`, and protoc accepting the tagged `.proto`.

use streamhouse_schema::StreamSchema;

mod proto_support;

/// An order whose card and e-mail are personal data, encrypted by the contract.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf, topic = "contract-orders")]
#[stream_schema(rule(name = "positive_amount", expr = "message.amount > 0.0 && size(message.id) > 0"))]
#[stream_schema(encrypt(tags("PII"), kek = "orders-kek", kms = "local-kms", key_id = "orders-key"))]
#[stream_schema(metadata(owner = "billing", major_version = 2))]
pub struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    amount: f64,
    #[stream_schema(tag = 3, tags("PII"))]
    card: String,
    #[stream_schema(tag = 4, tags("PII", "PRIVATE"))]
    email: Option<String>,
}

#[test]
fn print() {
    println!("{}", Order::avro_schema_json());
    println!("{}", Order::json_schema_text());
    println!("{}", Order::proto_text());
    println!("{:?}", Order::contract());
}
