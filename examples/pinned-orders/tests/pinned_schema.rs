//! The schema the program registers is the one the build checked: BACKWARD compatible with
//! the committed file, and changed since (v1 had no `note`).

use pinned_orders::Order;
use streamhouse_schema::compat::{check_compatibility, CompatibilityLevel};
use streamhouse_schema::{SchemaFormat, StreamSchema};

const PINNED: &str = include_str!("../schemas/orders-value.avsc");

#[test]
fn the_registered_schema_is_compatible_with_the_pinned_file() {
    let report = check_compatibility(
        SchemaFormat::Avro,
        CompatibilityLevel::Backward,
        Order::avro_schema_json(),
        &[PINNED],
    )
    .unwrap();
    assert_eq!(report.messages, Vec::<String>::new());
    assert!(Order::avro_schema_json().contains("\"note\""));
    assert!(!PINNED.contains("\"note\""));
}
