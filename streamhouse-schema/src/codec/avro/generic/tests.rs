//! Untrusted payloads through apache-avro's generic decoder: typed errors, bounded work.

use apache_avro::types::Value;
use apache_avro::Schema;

use super::{read, MAX_ZERO_WIDTH_ITEMS};

/// [`read`] on a thread with tokio's 2 MiB worker stack.
fn decodes(schema: &str, payload: Vec<u8>) -> Result<Value, String> {
    let schema = Schema::parse_str(schema).unwrap();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || read(&schema, None, &payload))
        .unwrap()
        .join()
        .unwrap()
}

const LIST: &str = r#"{"type": "record", "name": "Node", "fields": [
    {"name": "next", "type": ["null", "Node"]}]}"#;

/// A list of `n` nodes: each but the last takes branch 1 (zig-zag 2), the last null.
fn list(n: usize) -> Vec<u8> {
    let mut payload = vec![2u8; n - 1];
    payload.push(0);
    payload
}

#[test]
fn a_deep_recursive_payload_is_an_error_not_a_stack_overflow() {
    // 100 000 nodes in 100 KB: apache-avro alone aborts the process here.
    let error = decodes(LIST, list(100_000)).unwrap_err();
    assert!(error.contains("nested deeper than 128 levels"), "{error}");
    // apache-avro takes about 50 KiB of stack per level in a debug build: past `SHALLOW`
    // levels these run on a stack of their own. A node is a record and a union: 64 nodes
    // are 128 levels, the limit.
    for n in [1, 6, 7, 20, 64] {
        let mut value = decodes(LIST, list(n)).unwrap();
        let mut nodes = 1;
        while let Value::Record(fields) = value {
            match fields.into_iter().next() {
                Some((_, Value::Union(1, next))) => {
                    nodes += 1;
                    value = *next;
                }
                _ => break,
            }
        }
        assert_eq!(nodes, n);
    }
    assert!(decodes(LIST, list(65)).is_err());
}

#[test]
fn lengths_and_counts_past_the_input_are_errors_before_any_allocation() {
    let strings = r#"{"type": "array", "items": "string"}"#;
    // A string of 2^62 bytes, an array of 2^62 strings, in a few bytes each.
    for payload in [
        vec![2, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
        vec![0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0],
        // count -2^62 (sized block) then a size.
        vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 2, 0],
    ] {
        let error = decodes(strings, payload).unwrap_err();
        assert!(error.contains("bytes left"), "{error}");
    }
    // A map of 88 million entries in 26 bytes (found by the `avro_splice` fuzz target:
    // apache-avro reserved 679 MB for it).
    let map = r#"{"type": "map", "values": "long"}"#;
    let error = decodes(map, vec![0xa0, 0xa0, 0xa0, 0x04, 0]).unwrap_err();
    assert!(error.contains("a block of"), "{error}");
    // What fits decodes.
    assert_eq!(
        decodes(strings, vec![4, 2, b'a', 0, 0]).unwrap(),
        Value::Array(vec![
            Value::String("a".into()),
            Value::String(String::new())
        ])
    );
    assert_eq!(
        decodes(map, vec![2, 2, b'k', 6, 0]).unwrap(),
        Value::Map([("k".to_string(), Value::Long(3))].into_iter().collect())
    );
}

#[test]
fn items_that_take_no_bytes_are_bounded_by_count() {
    let nulls = r#"{"type": "array", "items": "null"}"#;
    // 1 000 nulls in three bytes: valid Avro.
    assert_eq!(
        decodes(nulls, vec![0xd0, 0x0f, 0]).unwrap(),
        Value::Array(vec![Value::Null; 1000])
    );
    // 2^20 of them: refused.
    let error = decodes(nulls, vec![0x80, 0x80, 0x80, 0x01, 0]).unwrap_err();
    assert!(error.contains("take no bytes"), "{error}");
    // Nor can blocks add up past the limit: three blocks of 2^15 are past 2^16, two are not.
    assert_eq!(MAX_ZERO_WIDTH_ITEMS, 1 << 16);
    let block = [0x80, 0x80, 0x04];
    let blocks = |n: usize| {
        let mut payload: Vec<u8> = block.iter().copied().cycle().take(3 * n).collect();
        payload.push(0);
        payload
    };
    assert!(decodes(nulls, blocks(3)).is_err());
    assert!(decodes(nulls, blocks(2)).is_ok());
}

#[test]
fn indexes_out_of_range_and_endless_varints_are_errors() {
    let union = r#"["null", "long"]"#;
    assert!(decodes(union, vec![4])
        .unwrap_err()
        .contains("out of range"));
    assert!(decodes(union, vec![1])
        .unwrap_err()
        .contains("out of range"));
    let status = r#"{"type": "enum", "name": "S", "symbols": ["A", "B"]}"#;
    assert!(decodes(status, vec![4])
        .unwrap_err()
        .contains("out of range"));
    assert_eq!(
        decodes(status, vec![2]).unwrap(),
        Value::Enum(1, "B".into())
    );
    assert!(decodes(r#""long""#, vec![0xff; 11])
        .unwrap_err()
        .contains("ten bytes"));
}
