// A type of another package that needs the pinned type's package again: the line lives in
// a file of its own that both files import, and the pin checks the order's file with its
// imports resolved, as the registry does.
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Line {
    #[stream_schema(tag = 1)]
    sku: String,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "billing.v2", protobuf)]
struct Money {
    #[stream_schema(tag = 1)]
    cents: i64,
    #[stream_schema(tag = 2)]
    lines: Vec<Line>,
}

#[derive(StreamSchema)]
#[stream_schema(namespace = "shop.v1", pin = "proto_shared_file.proto")]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    total: Money,
    #[stream_schema(tag = 3)]
    lines: Vec<Line>,
}

fn main() {
    // The pin checked the view the runtime registers: Line at its own full name, imported.
    let text = <Order as streamhouse_schema::StreamSchema>::proto_text();
    assert!(text.contains("import \"shop/v1/Line.proto\";"), "{text}");
    assert!(text.contains("repeated .shop.v1.Line lines = 3;"), "{text}");
}
