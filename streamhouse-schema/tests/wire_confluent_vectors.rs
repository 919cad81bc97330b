//! Frames written by Confluent's Python client (an external oracle), parsed by `wire`.
//! Fixture: tests/fixtures/wire/confluent-python-frames.json (see its README).

use serde_json::Value;
use streamhouse_schema::wire::{
    parse_frame, parse_message_indexes, write_header, write_message_indexes, SchemaId, WireError,
};

const FIXTURE: &str = include_str!("fixtures/wire/confluent-python-frames.json");

fn cases() -> Vec<Value> {
    let cases: Vec<Value> = serde_json::from_str(FIXTURE).unwrap();
    assert_eq!(cases.len(), 90, "fixture changed size");
    cases
}

fn text<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("{}: missing {field}", case["name"]))
}

fn bytes_of(case: &Value, field: &str) -> Vec<u8> {
    hex::decode(text(case, field)).unwrap()
}

fn indexes_of(case: &Value) -> Vec<i32> {
    case["message_index"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| i32::try_from(v.as_i64().unwrap()).unwrap())
        .collect()
}

fn guid_of(case: &Value) -> [u8; 16] {
    hex::decode(text(case, "schema_guid").replace('-', ""))
        .unwrap()
        .try_into()
        .unwrap()
}

fn variant(error: &WireError) -> &'static str {
    match error {
        WireError::Empty => "Empty",
        WireError::UnknownMagicByte(_) => "UnknownMagicByte",
        WireError::TruncatedHeader { .. } => "TruncatedHeader",
        WireError::NegativeSchemaId(_) => "NegativeSchemaId",
        WireError::TruncatedMessageIndexes => "TruncatedMessageIndexes",
        WireError::VarintTooLong => "VarintTooLong",
        WireError::ValueOutOfRange(_) => "ValueOutOfRange",
        WireError::NegativeIndexCount(_) => "NegativeIndexCount",
        WireError::IndexCountTooLarge { .. } => "IndexCountTooLarge",
        WireError::NegativeIndex { .. } => "NegativeIndex",
    }
}

/// What a consumer gets out of a frame before decoding.
#[derive(Debug)]
struct Parsed {
    id: SchemaId,
    indexes: Option<Vec<i32>>,
    payload: Vec<u8>,
}

/// Parses a frame the way a consumer would: header, then indexes for Protobuf.
fn parse(case: &Value, wire: &[u8]) -> Result<Parsed, WireError> {
    let frame = parse_frame(wire)?;
    let (indexes, payload) = if text(case, "format") == "PROTOBUF" {
        let (indexes, payload) = parse_message_indexes(frame.payload)?;
        (Some(indexes), payload)
    } else {
        (None, frame.payload)
    };
    Ok(Parsed {
        id: frame.schema_id,
        indexes,
        payload: payload.to_vec(),
    })
}

#[test]
fn positive_frames_parse_to_their_id_indexes_and_payload() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c["kind"] == "positive") {
        let name = text(case, "name");
        let wire = bytes_of(case, "wire_hex");
        let Parsed {
            id,
            indexes,
            payload,
        } = parse(case, &wire).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected_id = i32::try_from(case["schema_id"].as_i64().unwrap()).unwrap();
        assert_eq!(id, SchemaId::Id(expected_id), "{name}");
        assert_eq!(payload, bytes_of(case, "payload_hex"), "{name}");
        if let Some(indexes) = indexes {
            assert_eq!(indexes, indexes_of(case), "{name}");
        }
        checked += 1;
    }
    assert_eq!(checked, 56);
}

#[test]
fn our_writer_reproduces_every_python_header_byte_for_byte() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c["kind"] == "positive") {
        let mut header = Vec::new();
        write_header(
            &mut header,
            i32::try_from(case["schema_id"].as_i64().unwrap()).unwrap(),
        );
        if text(case, "format") == "PROTOBUF" {
            write_message_indexes(&mut header, &indexes_of(case));
        }
        assert_eq!(
            header,
            bytes_of(case, "header_hex"),
            "{}",
            text(case, "name")
        );
        checked += 1;
    }
    assert_eq!(checked, 56);
}

#[test]
fn negative_frames_fail_at_the_wire_layer_exactly_where_classified() {
    let mut wire_level = 0;
    for case in cases().iter().filter(|c| c["kind"] == "negative") {
        let name = text(case, "name");
        let wire = bytes_of(case, "wire_hex");
        match case["wire_error"].as_str() {
            Some(expected) => {
                let error = parse(case, &wire).expect_err(name);
                assert_eq!(variant(&error), expected, "{name}: {error}");
                wire_level += 1;
            }
            // Well-formed framing; the failure belongs to decoding or the registry.
            None => assert!(parse(case, &wire).is_ok(), "{name} should frame-parse"),
        }
    }
    assert_eq!(wire_level, 14);
}

#[test]
fn decoder_accepts_cases_parse() {
    let all = cases();
    let accepts: Vec<&Value> = all
        .iter()
        .filter(|c| c["kind"] == "decoder_accepts")
        .collect();
    assert_eq!(accepts.len(), 5);
    for case in accepts {
        let name = text(case, "name");
        let Parsed { id, indexes, .. } =
            parse(case, &bytes_of(case, "wire_hex")).unwrap_or_else(|e| panic!("{name}: {e}"));
        match name {
            "acc_avro_magic_v1_guid" => assert_eq!(id, SchemaId::Guid(guid_of(case))),
            "acc_proto_nonminimal_index0" => assert_eq!(indexes, Some(vec![0])),
            "acc_proto_index_class_mismatch" => assert_eq!(indexes, Some(vec![2])),
            _ => assert_eq!(
                id,
                SchemaId::Id(i32::try_from(case["schema_id"].as_i64().unwrap()).unwrap()),
                "{name}"
            ),
        }
    }
}

#[test]
fn guid_frame_carries_the_registered_guid() {
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "acc_avro_magic_v1_guid")
        .unwrap();
    let frame_bytes = bytes_of(&case, "wire_hex");
    let frame = parse_frame(&frame_bytes).unwrap();
    assert_eq!(
        frame.schema_id.to_string(),
        "00000000-0000-4000-8000-000000000001"
    );
    assert_eq!(frame.payload, &frame_bytes[17..]);
}
