//! Schema evolution: records written with one version of a type are read as another,
//! following Avro's resolution rules, and agree with apache-avro's resolver.

use streamhouse_schema::codec::avro::resolve::{Resolution, ResolveError};
use streamhouse_schema::{DecodeError, StreamSchema};

mod v1 {
    use super::*;

    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(namespace = "com.acme", name = "Order")]
    pub struct Order {
        pub id: String,
        pub qty: i32,
        pub price: f32,
        pub legacy_code: String,
        pub customer: String,
        pub status: Status,
        pub tags: Vec<String>,
    }

    #[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
    #[stream_schema(namespace = "com.acme", name = "Status")]
    pub enum Status {
        New,
        Paid,
        Refunded,
    }
}

mod v2 {
    use super::*;

    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(namespace = "com.acme", name = "Order")]
    pub struct Order {
        pub id: String,
        /// Promoted from int.
        pub qty: i64,
        /// Promoted from float.
        pub price: f64,
        // legacy_code removed.
        /// Renamed from `customer`.
        #[stream_schema(alias = "customer")]
        pub customer_id: String,
        pub status: Status,
        pub tags: Vec<String>,
        /// Added, with a default.
        #[stream_schema(default = "\"EUR\"")]
        pub currency: String,
        /// Added optional field (default null).
        pub note: Option<String>,
    }

    #[derive(StreamSchema, Debug, PartialEq, Clone, Copy)]
    #[stream_schema(namespace = "com.acme", name = "Status")]
    pub enum Status {
        #[stream_schema(default)]
        Unknown,
        New,
        Paid,
    }
}

fn v1_order() -> v1::Order {
    v1::Order {
        id: "o-1".into(),
        qty: 3,
        price: 2.5,
        legacy_code: "X9".into(),
        customer: "c-7".into(),
        status: v1::Status::Refunded,
        tags: vec!["a".into(), "b".into()],
    }
}

fn encode<T: StreamSchema>(v: &T) -> Vec<u8> {
    let mut b = Vec::new();
    v.encode_value(&mut b).unwrap();
    b
}

#[test]
fn v1_records_read_as_v2() {
    let plan =
        Resolution::new(v1::Order::avro_schema_json(), v2::Order::avro_schema_json()).unwrap();
    assert!(!plan.is_identity());
    let mut scratch = Vec::new();
    let got: v2::Order = plan.decode(&encode(&v1_order()), &mut scratch).unwrap();
    assert_eq!(
        got,
        v2::Order {
            id: "o-1".into(),
            qty: 3,
            price: 2.5,
            customer_id: "c-7".into(),
            // REFUNDED is unknown to v2: the reader's enum default applies.
            status: v2::Status::Unknown,
            tags: vec!["a".into(), "b".into()],
            currency: "EUR".into(),
            note: None,
        }
    );
}

#[test]
fn v2_records_cannot_be_read_as_v1_narrowed_long() {
    // v1 reads qty as int, which v2 writes as long: no narrowing in Avro.
    let err =
        Resolution::new(v2::Order::avro_schema_json(), v1::Order::avro_schema_json()).unwrap_err();
    assert_eq!(
        err,
        ResolveError::Incompatible("qty: writer type long cannot be read as int".into())
    );
}

mod strict {
    use super::*;

    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(namespace = "com.acme", name = "Order")]
    pub struct Order {
        pub id: String,
        pub must_have: String,
    }
}

#[test]
fn a_reader_field_without_default_missing_from_the_writer_is_named() {
    let err = Resolution::new(
        v1::Order::avro_schema_json(),
        strict::Order::avro_schema_json(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ResolveError::Incompatible(
            "must_have: the reader field has no default and the writer does not have it".into()
        )
    );
}

mod v3 {
    use super::*;

    /// v1 evolved without renames (apache-avro's resolver ignores field aliases).
    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(namespace = "com.acme", name = "Order")]
    pub struct Order {
        pub id: String,
        pub qty: i64,
        pub price: f64,
        pub customer: String,
        pub status: super::v1::Status,
        pub tags: Vec<String>,
        #[stream_schema(default = "\"EUR\"")]
        pub currency: String,
        pub note: Option<String>,
    }
}

/// The same evolution checked against apache-avro's own resolver, value for value.
#[allow(deprecated)] // from_avro_datum is the plainest way to call apache-avro's resolver
#[test]
fn transcoding_agrees_with_apache_avro() {
    let writer = v1::Order::avro_schema();
    let reader = v3::Order::avro_schema();
    let bytes = encode(&v1_order());
    let theirs = apache_avro::from_avro_datum(writer, &mut bytes.as_slice(), Some(reader)).unwrap();
    let plan =
        Resolution::new(v1::Order::avro_schema_json(), v3::Order::avro_schema_json()).unwrap();
    let mut ours = Vec::new();
    plan.transcode(&bytes, &mut ours).unwrap();
    let ours_value = apache_avro::from_avro_datum(reader, &mut ours.as_slice(), None).unwrap();
    assert_eq!(ours_value, theirs);
    let typed: v3::Order = plan.decode(&bytes, &mut Vec::new()).unwrap();
    assert_eq!(typed.qty, 3);
    assert_eq!(typed.currency, "EUR");
}

#[test]
fn same_schema_is_identity_and_decodes_directly() {
    let plan =
        Resolution::new(v1::Order::avro_schema_json(), v1::Order::avro_schema_json()).unwrap();
    assert!(plan.is_identity());
    let got: v1::Order = plan.decode(&encode(&v1_order()), &mut Vec::new()).unwrap();
    assert_eq!(got, v1_order());
}

mod reordered {
    use super::*;

    /// Fields in another order, and a new nested record field with a record default.
    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(namespace = "com.acme", name = "Order")]
    pub struct Order {
        pub tags: Vec<String>,
        #[stream_schema(alias = "customer")]
        pub customer_id: String,
        pub id: String,
        pub qty: i64,
        pub price: f64,
        pub status: super::v2::Status,
        #[stream_schema(default = r#"{"street": "unknown", "zip": null}"#)]
        pub address: Address,
    }

    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(namespace = "com.acme")]
    pub struct Address {
        pub street: String,
        pub zip: Option<String>,
    }
}

#[test]
fn reordered_fields_and_record_defaults() {
    let plan = Resolution::new(
        v1::Order::avro_schema_json(),
        reordered::Order::avro_schema_json(),
    )
    .unwrap();
    let got: reordered::Order = plan.decode(&encode(&v1_order()), &mut Vec::new()).unwrap();
    assert_eq!(
        got,
        reordered::Order {
            tags: vec!["a".into(), "b".into()],
            customer_id: "c-7".into(),
            id: "o-1".into(),
            qty: 3,
            price: 2.5,
            status: v2::Status::Unknown,
            address: reordered::Address {
                street: "unknown".into(),
                zip: None
            },
        }
    );
}

mod narrowed {
    use super::*;

    /// `long` cannot be read as `int`.
    #[derive(StreamSchema, Debug, PartialEq, Clone)]
    #[stream_schema(namespace = "com.acme", name = "Counter")]
    pub struct Counter {
        pub n: i32,
    }

    pub mod wide {
        use super::*;
        #[derive(StreamSchema, Debug, PartialEq, Clone)]
        #[stream_schema(namespace = "com.acme", name = "Counter")]
        pub struct Counter {
            pub n: i64,
        }
    }
}

#[test]
fn narrowing_is_rejected_naming_the_field() {
    let err = Resolution::new(
        narrowed::wide::Counter::avro_schema_json(),
        narrowed::Counter::avro_schema_json(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ResolveError::Incompatible("n: writer type long cannot be read as int".into())
    );
}

#[test]
fn malformed_writer_bytes_are_errors() {
    let plan =
        Resolution::new(v1::Order::avro_schema_json(), v2::Order::avro_schema_json()).unwrap();
    let bytes = encode(&v1_order());
    for cut in 0..bytes.len() {
        let r: Result<v2::Order, DecodeError> = plan.decode(&bytes[..cut], &mut Vec::new());
        assert!(r.is_err(), "truncated at {cut} must fail");
    }
    // An enum index beyond the writer's symbols.
    let mut bad = bytes.clone();
    let status_at = bytes.len() - 1 - 5; // ... status, tags(02 02 61 02 62 00)
    bad[status_at] = 0x7e;
    let r: Result<v2::Order, _> = plan.decode(&bad, &mut Vec::new());
    assert!(r.is_err());
}
