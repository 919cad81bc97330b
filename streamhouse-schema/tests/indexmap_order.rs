//! `indexmap::IndexMap<String, T>` (feature `indexmap`) is a map in all three formats that
//! keeps its insertion order: written in that order, read back in the order of the bytes.
//! The bytes are those apache-avro, serde_json and prost write for the same entries in the
//! same order.
#![cfg(feature = "indexmap")]

use std::collections::HashMap;

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::types::Value as AvroValue;
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema;
use indexmap::IndexMap;
use prost::Message as _;
use streamhouse_schema::{AvroDecode, AvroEncode, JsonDecode, JsonEncode, StreamSchema};

#[derive(StreamSchema, Debug, PartialEq, Clone)]
#[stream_schema(namespace = "shop", protobuf)]
struct PriceList {
    #[stream_schema(tag = 1)]
    by_sku: IndexMap<String, i64>,
}

/// prost's view of `PriceList`: its `map<string, int64>`, and the same field seen as the
/// repeated entry message it is on the wire (protobuf's encoding spec: a map field is
/// `repeated MapFieldEntry { key = 1; value = 2; }`), which keeps an order.
#[derive(Clone, PartialEq, prost::Message)]
struct ProstPriceList {
    #[prost(map = "string, int64", tag = "1")]
    by_sku: HashMap<String, i64>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct ProstEntries {
    #[prost(message, repeated, tag = "1")]
    by_sku: Vec<ProstEntry>,
}
#[derive(Clone, PartialEq, prost::Message)]
struct ProstEntry {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(int64, tag = "2")]
    value: i64,
}

/// Keys in an order that is neither sorted nor hash order.
fn unsorted() -> IndexMap<String, i64> {
    [("zeta", 26), ("alpha", 1), ("mid", 13), ("beta", 2)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn apache_write(schema: &Schema, v: impl Into<AvroValue>) -> Vec<u8> {
    GenericDatumWriter::builder(schema)
        .build()
        .unwrap()
        .write_value_to_vec(v.into())
        .unwrap()
}

fn apache_read(schema: &Schema, bytes: &[u8]) -> AvroValue {
    let mut input = bytes;
    let v = GenericDatumReader::builder(schema)
        .build()
        .unwrap()
        .read_value(&mut input)
        .unwrap();
    assert!(input.is_empty(), "apache-avro left {} bytes", input.len());
    v
}

fn keys<V>(m: &IndexMap<String, V>) -> Vec<&str> {
    m.keys().map(String::as_str).collect()
}

#[test]
fn avro_keeps_the_order_and_writes_apache_avros_bytes() {
    let m = unsorted();
    let mut bytes = Vec::new();
    m.encode_avro(&mut bytes).unwrap();
    // One block of 4 entries (zigzag 8), each key then value, then the end block.
    let mut expected = vec![0x08];
    for (k, v) in &m {
        expected.extend(apache_write(&Schema::String, k.as_str()));
        expected.extend(apache_write(&Schema::Long, *v));
    }
    expected.push(0);
    assert_eq!(bytes, expected);
    let back = IndexMap::<String, i64>::decode_avro(&mut bytes.as_slice()).unwrap();
    assert_eq!(keys(&back), ["zeta", "alpha", "mid", "beta"]);
    assert_eq!(back, m);

    // apache-avro reads the same entries back.
    let schema = Schema::parse_str(r#"{"type":"map","values":"long"}"#).unwrap();
    let read = apache_read(&schema, &bytes);
    let AvroValue::Map(read) = read else {
        panic!("not a map: {read:?}")
    };
    assert_eq!(read.len(), 4);
    assert_eq!(read["mid"], AvroValue::Long(13));

    // Byte for byte what apache-avro writes for a map whose (hash) order we copy.
    let hm: HashMap<String, AvroValue> = (0..20)
        .map(|i| (format!("k{i}"), AvroValue::Long(i * 1000)))
        .collect();
    let ordered: IndexMap<String, i64> = hm
        .iter()
        .map(|(k, v)| match v {
            AvroValue::Long(n) => (k.clone(), *n),
            _ => unreachable!(),
        })
        .collect();
    let theirs = apache_write(&schema, AvroValue::Map(hm));
    let mut ours = Vec::new();
    ordered.encode_avro(&mut ours).unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn json_keeps_the_order_and_writes_serde_jsons_bytes() {
    let m = unsorted();
    let bytes = m.to_json_vec().unwrap();
    assert_eq!(bytes, br#"{"zeta":26,"alpha":1,"mid":13,"beta":2}"#);
    // serde_json with `preserve_order` (as this workspace builds it) writes the same.
    let theirs: serde_json::Map<String, serde_json::Value> =
        m.iter().map(|(k, v)| (k.clone(), (*v).into())).collect();
    assert_eq!(bytes, serde_json::to_vec(&theirs).unwrap());
    let back = IndexMap::<String, i64>::decode_json(&bytes).unwrap();
    assert_eq!(keys(&back), ["zeta", "alpha", "mid", "beta"]);
    // The document's order, whatever it is.
    let other = IndexMap::<String, i64>::decode_json(br#"{"b":2,"c":3,"a":1}"#).unwrap();
    assert_eq!(keys(&other), ["b", "c", "a"]);
}

#[test]
fn protobuf_keeps_the_order_and_writes_prosts_bytes() {
    let v = PriceList { by_sku: unsorted() };
    assert!(
        PriceList::proto_text().contains("map<string, int64> by_sku = 1;"),
        "{}",
        PriceList::proto_text()
    );
    let mut bytes = Vec::new();
    v.encode_proto(&mut bytes);
    let entries = ProstEntries {
        by_sku: v
            .by_sku
            .iter()
            .map(|(k, v)| ProstEntry {
                key: k.clone(),
                value: *v,
            })
            .collect(),
    };
    assert_eq!(bytes, entries.encode_to_vec());
    let back = PriceList::decode_proto(&bytes).unwrap();
    assert_eq!(keys(&back.by_sku), ["zeta", "alpha", "mid", "beta"]);
    assert_eq!(back, v);

    // prost's own map reads the same entries, and what prost writes (its hash order)
    // is read in that order.
    let theirs = ProstPriceList::decode(bytes.as_slice()).unwrap();
    assert_eq!(theirs.by_sku.len(), 4);
    assert_eq!(theirs.by_sku["zeta"], 26);
    let prost_bytes = theirs.encode_to_vec();
    let read = PriceList::decode_proto(&prost_bytes).unwrap();
    let prost_order: Vec<&str> = theirs.by_sku.keys().map(String::as_str).collect();
    assert_eq!(keys(&read.by_sku), prost_order);
    let mut again = Vec::new();
    read.encode_proto(&mut again);
    assert_eq!(again, prost_bytes);
}

#[test]
fn a_derived_struct_keeps_the_order_in_avro_and_json() {
    let v = PriceList { by_sku: unsorted() };
    let mut avro = Vec::new();
    v.encode_avro(&mut avro).unwrap();
    let back = PriceList::decode_value(&avro).unwrap();
    assert_eq!(keys(&back.by_sku), ["zeta", "alpha", "mid", "beta"]);
    let json = v.to_json_vec().unwrap();
    assert_eq!(
        json,
        br#"{"by_sku":{"zeta":26,"alpha":1,"mid":13,"beta":2}}"#
    );
    assert_eq!(PriceList::decode_json(&json), Ok(v));
    assert_eq!(
        PriceList::avro_schema_json(),
        r#"{"type":"record","name":"PriceList","namespace":"shop","fields":[{"name":"by_sku","type":{"type":"map","values":"long"}}]}"#
    );
}
