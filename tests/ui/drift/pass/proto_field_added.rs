// A new field with a new number: old records simply lack it, old readers skip it.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop", pin = "proto_field_added.proto", compatibility = "FULL")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    note: Option<String>,
}

fn main() {
    // The pin checked the view the runtime registers.
    let text = <Order as streamhouse_schema::StreamSchema>::proto_text();
    assert!(text.contains("optional string note = 2;"), "{text}");
}
