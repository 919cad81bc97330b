//! Where a nested type's message lives in the `.proto` its parent generates, and the nested
//! type's own `full_name()`: both name the same place, so that a frame naming the nested
//! message by its index path in the parent's file is read as the nested type.
//!
//! A generated file is one package, the root's namespace (protobuf's `package` is per file):
//! types of that namespace keep their full names in it; a type of another namespace is
//! imported from its own file (`ProtoSchema::imports`).

use streamhouse_schema::schema::proto_file::{message_at_index_path, message_index_path};
use streamhouse_schema::StreamSchema;

/// Nested two levels down.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Sku {
    #[stream_schema(tag = 1)]
    code: String,
}

/// Nested in `Order`, holding `Sku`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Line {
    #[stream_schema(tag = 1)]
    sku: Sku,
    #[stream_schema(tag = 2)]
    qty: i32,
}

/// From another namespace.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "billing.v2", protobuf)]
struct Money {
    #[stream_schema(tag = 1)]
    cents: i64,
}

/// The parent.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "shop.v1", protobuf)]
struct Order {
    #[stream_schema(tag = 1)]
    id: String,
    #[stream_schema(tag = 2)]
    lines: Vec<Line>,
    #[stream_schema(tag = 3)]
    total: Money,
}

#[test]
fn a_nested_type_of_the_parents_namespace_lives_at_its_own_full_name() {
    let file = Order::proto_file();
    assert_eq!(file.package(), "shop.v1");
    // The parent's text refers to the nested messages by their own full names.
    let text = Order::proto_text();
    assert!(text.contains("repeated .shop.v1.Line lines = 2;"), "{text}");
    assert!(text.contains(".shop.v1.Sku sku = 1;"), "{text}");
    for (own_name, path) in [(Line::full_name(), vec![1]), (Sku::full_name(), vec![2])] {
        assert_eq!(message_index_path(file, own_name), Some(path.clone()));
        let Some((found, message)) = message_at_index_path(file, &path) else {
            panic!("no message at {path:?}");
        };
        assert_eq!(found, own_name);
        assert_eq!(
            Order::proto_schema().message_index_path_of(own_name),
            Some(path)
        );
        assert_eq!(Order::proto_schema().file_name_of(own_name), Some(own_name));
        // The same message as the nested type's own file holds.
        let own = &[Line::proto_file(), Sku::proto_file()]
            .into_iter()
            .find(|f| f.message_type[0].name() == message.name())
            .expect("own file")
            .message_type[0];
        assert_eq!(message, own);
    }
    assert_eq!(Line::full_name(), "shop.v1.Line");
    assert_eq!(Sku::full_name(), "shop.v1.Sku");
}

#[test]
fn a_nested_type_of_another_namespace_is_imported_from_its_own_file() {
    // `billing.v2.Money` lives in package `billing.v2`: Order's file imports Money's own
    // file (registered as a schema reference) instead of holding a copy.
    let schema = Order::proto_schema();
    assert_eq!(Money::full_name(), "billing.v2.Money");
    assert_eq!(schema.file_name_of(Money::full_name()), None);
    assert_eq!(schema.message_index_path_of(Money::full_name()), None);
    assert_eq!(Order::proto_file().dependency, ["billing/v2/Money.proto"]);
    assert!(
        Order::proto_text().contains(".billing.v2.Money total = 3;"),
        "{}",
        Order::proto_text()
    );
    let [import] = schema.imports() else {
        panic!("one import: {:?}", schema.imports());
    };
    assert_eq!(import.name(), "billing/v2/Money.proto");
    assert_eq!(import.name(), Money::proto_file().name());
    assert_eq!(import.text(), Money::proto_text());
    assert_eq!(schema.file_name_of("billing.v2.Missing"), None);
}
