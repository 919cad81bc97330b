//! Records written with one schema and read as a derived type of another: the direct
//! resolving decoder (`Resolution::decode`, which reads writer bytes straight into the
//! type) gives the values each Avro resolution rule asks for, agrees with rewriting the
//! payload into reader bytes first (`Resolution::transcode` + the plain decoder) and with
//! apache-avro's resolver, and turns malformed input into errors.

use std::collections::{BTreeMap, HashMap};

use streamhouse_schema::codec::avro::resolve::Resolution;
use streamhouse_schema::{AvroDecode, AvroEncode, DecodeError, StreamSchema};

/// The writer's side.
mod w {
    use std::collections::{BTreeMap, HashMap};

    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Item")]
    pub struct Item {
        pub sku: String,
        pub qty: i32,
        pub gone: bool,
    }

    #[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
    #[stream_schema(namespace = "t", name = "Color")]
    pub enum Color {
        Red,
        Green,
        Blue,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Rec")]
    pub struct Rec {
        pub int_to_long: i32,
        pub int_to_float: i32,
        pub int_to_double: i32,
        pub long_to_float: i64,
        pub long_to_double: i64,
        pub float_to_double: f32,
        pub string_to_bytes: String,
        pub bytes_to_string: Vec<u8>,
        pub removed_mid: String,
        pub old_name: String,
        pub color: Color,
        pub items: Vec<Item>,
        pub by_key: BTreeMap<String, Item>,
        pub by_hash: HashMap<String, Item>,
        pub maybe: Option<Item>,
        pub plain_to_optional: i32,
        pub optional_to_plain: Option<String>,
        pub removed_end: Vec<Item>,
    }
}

/// The reader's side: every field of the writer changed in some way.
mod r {
    use std::collections::{BTreeMap, HashMap};

    use streamhouse_schema::StreamSchema;

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Item")]
    pub struct Item {
        pub sku: String,
        pub qty: i64,
        #[stream_schema(default = "7")]
        pub added: i32,
    }

    #[derive(StreamSchema, Debug, Clone, Copy, PartialEq)]
    #[stream_schema(namespace = "t", name = "Color")]
    pub enum Color {
        #[stream_schema(default)]
        Unknown,
        Green,
        Red,
    }

    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Rec")]
    pub struct Rec {
        pub int_to_long: i64,
        pub int_to_float: f32,
        pub int_to_double: f64,
        pub long_to_float: f32,
        pub long_to_double: f64,
        pub float_to_double: f64,
        pub string_to_bytes: Vec<u8>,
        pub bytes_to_string: String,
        #[stream_schema(default = "\"mid\"")]
        pub added_mid: String,
        #[stream_schema(alias = "old_name")]
        pub new_name: String,
        pub color: Color,
        pub items: Vec<Item>,
        pub by_key: BTreeMap<String, Item>,
        pub by_hash: HashMap<String, Item>,
        pub maybe: Option<Item>,
        pub plain_to_optional: Option<i64>,
        pub optional_to_plain: String,
        /// Not in the schema: its Rust default.
        #[stream_schema(skip, default)]
        pub local: u32,
        #[stream_schema(default = r#"[{"sku": "D", "qty": 1}]"#)]
        pub added_end: Vec<Item>,
    }
}

fn witem(sku: &str, qty: i32) -> w::Item {
    w::Item {
        sku: sku.into(),
        qty,
        gone: true,
    }
}

fn ritem(sku: &str, qty: i64) -> r::Item {
    r::Item {
        sku: sku.into(),
        qty,
        added: 7,
    }
}

fn writer(color: w::Color, maybe: Option<w::Item>) -> w::Rec {
    w::Rec {
        int_to_long: -5,
        int_to_float: 1 << 20,
        int_to_double: -123_456,
        long_to_float: 1 << 40,
        long_to_double: -(1 << 50),
        float_to_double: 1.5,
        string_to_bytes: "héllo".into(),
        bytes_to_string: b"world".to_vec(),
        removed_mid: "dropped".into(),
        old_name: "renamed".into(),
        color,
        items: vec![witem("A", 1), witem("B", 300)],
        by_key: BTreeMap::from([("k".to_string(), witem("M", -2))]),
        by_hash: HashMap::from([
            ("a".to_string(), witem("H", 1)),
            ("b".to_string(), witem("I", 2)),
        ]),
        maybe,
        plain_to_optional: 42,
        optional_to_plain: Some("present".into()),
        removed_end: vec![witem("Z", 9)],
    }
}

fn expected(color: r::Color, maybe: Option<r::Item>) -> r::Rec {
    r::Rec {
        int_to_long: -5,
        int_to_float: 1_048_576.0,
        int_to_double: -123_456.0,
        long_to_float: 1_099_511_627_776.0,
        long_to_double: -1_125_899_906_842_624.0,
        float_to_double: 1.5,
        string_to_bytes: "héllo".as_bytes().to_vec(),
        bytes_to_string: "world".into(),
        added_mid: "mid".into(),
        new_name: "renamed".into(),
        color,
        items: vec![ritem("A", 1), ritem("B", 300)],
        by_key: BTreeMap::from([("k".to_string(), ritem("M", -2))]),
        by_hash: HashMap::from([
            ("a".to_string(), ritem("H", 1)),
            ("b".to_string(), ritem("I", 2)),
        ]),
        maybe,
        plain_to_optional: Some(42),
        optional_to_plain: "present".into(),
        local: 0,
        added_end: vec![ritem("D", 1)],
    }
}

fn encode<T: AvroEncode>(v: &T) -> Vec<u8> {
    let mut b = Vec::new();
    v.encode_avro(&mut b).unwrap();
    b
}

fn plan<W: StreamSchema, R: StreamSchema>() -> Resolution {
    Resolution::new(W::avro_schema_json(), R::avro_schema_json()).unwrap()
}

/// Reads `bytes` both ways: directly, and rewritten into reader bytes first. Both must
/// agree; the direct value is returned.
fn read_both<R: AvroDecode + PartialEq + std::fmt::Debug>(
    plan: &Resolution,
    bytes: &[u8],
) -> Result<R, DecodeError> {
    let direct = plan.decode::<R>(bytes, &mut Vec::new());
    let mut rewritten = Vec::new();
    let via_rewrite = plan
        .transcode(bytes, &mut rewritten)
        .and_then(|()| R::decode_avro(&mut rewritten.as_slice()));
    assert_eq!(direct, via_rewrite, "direct and rewritten reads differ");
    direct
}

#[test]
fn every_rule_reads_the_values_avro_asks_for() {
    let plan = plan::<w::Rec, r::Rec>();
    let cases = [
        (w::Color::Red, r::Color::Red, None, None),
        (
            w::Color::Green,
            r::Color::Green,
            Some(witem("S", 5)),
            Some(ritem("S", 5)),
        ),
        // BLUE is not a reader symbol: the reader enum's default.
        (w::Color::Blue, r::Color::Unknown, None, None),
    ];
    for (wc, rc, wmaybe, rmaybe) in cases {
        let bytes = encode(&writer(wc, wmaybe));
        let got: r::Rec = read_both(&plan, &bytes).unwrap();
        assert_eq!(got, expected(rc, rmaybe));
    }
}

/// Reads checked against apache-avro's resolver value for value (field aliases aside,
/// which apache-avro's resolver ignores).
#[allow(deprecated)] // from_avro_datum is the plainest way to call apache-avro's resolver
fn agrees_with_apache_avro<
    W: StreamSchema + AvroEncode,
    R: StreamSchema + AvroDecode + AvroEncode,
>(
    value: &W,
) {
    let plan = plan::<W, R>();
    let bytes = encode(value);
    let theirs = apache_avro::from_avro_datum(
        W::avro_schema(),
        &mut bytes.as_slice(),
        Some(R::avro_schema()),
    )
    .unwrap();
    let ours: R = plan.decode(&bytes, &mut Vec::new()).unwrap();
    let ours_value =
        apache_avro::from_avro_datum(R::avro_schema(), &mut encode(&ours).as_slice(), None)
            .unwrap();
    assert_eq!(ours_value, theirs);
}

#[test]
fn direct_reads_agree_with_apache_avro() {
    agrees_with_apache_avro::<w::Item, r::Item>(&witem("A", -70_000));
    agrees_with_apache_avro::<w::Item, reordered::Item>(&witem("B", 3));
}

#[test]
fn a_writer_null_read_as_a_non_optional_field_is_an_error_naming_it() {
    let plan = plan::<w::Rec, r::Rec>();
    let mut value = writer(w::Color::Red, None);
    value.optional_to_plain = None;
    let err = plan
        .decode::<r::Rec>(&encode(&value), &mut Vec::new())
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("Rec.optional_to_plain"), "{message}");
    assert!(matches!(err, DecodeError::InField { .. }), "{err:?}");
}

#[test]
fn truncated_and_corrupt_payloads_are_errors() {
    let plan = plan::<w::Rec, r::Rec>();
    let bytes = encode(&writer(w::Color::Green, Some(witem("S", 5))));
    for cut in 0..bytes.len() {
        let r: Result<r::Rec, DecodeError> = plan.decode(&bytes[..cut], &mut Vec::new());
        assert!(r.is_err(), "truncated at {cut} must fail");
    }
    // Every single-byte corruption is an error or a value, never a panic; a huge array
    // count is refused before anything is allocated for it.
    for at in 0..bytes.len() {
        for b in [0x00, 0x7f, 0x80, 0xff] {
            let mut bad = bytes.clone();
            bad[at] = b;
            let _ = plan.decode::<r::Rec>(&bad, &mut Vec::new());
        }
    }
    let huge = [0xfe, 0xff, 0xff, 0xff, 0x0f]; // 2^31 - 1 items, zigzag
    let err = plan_of_items()
        .decode::<Vec<r::Item>>(&huge, &mut Vec::new())
        .unwrap_err();
    assert!(matches!(err, DecodeError::InvalidCount { .. }), "{err:?}");
}

fn plan_of_items() -> Resolution {
    Resolution::new(
        &format!(
            r#"{{"type":"array","items":{}}}"#,
            w::Item::avro_schema_json()
        ),
        &format!(
            r#"{{"type":"array","items":{}}}"#,
            r::Item::avro_schema_json()
        ),
    )
    .unwrap()
}

#[test]
fn a_changed_array_at_the_root_reads_item_by_item() {
    let plan = plan_of_items();
    let bytes = encode(&vec![witem("A", 1), witem("B", -300)]);
    let got: Vec<r::Item> = read_both(&plan, &bytes).unwrap();
    assert_eq!(got, vec![ritem("A", 1), ritem("B", -300)]);
    // Several blocks, one with a negative count and its byte size (as Java writes them).
    let mut blocks = Vec::new();
    blocks.push(0x01); // -1: one item, byte size follows
    let one = encode(&witem("A", 1));
    blocks.push(u8::try_from(one.len() * 2).unwrap());
    blocks.extend_from_slice(&one);
    blocks.push(0x02);
    blocks.extend_from_slice(&encode(&witem("B", 2)));
    blocks.push(0x00);
    let got: Vec<r::Item> = read_both(&plan, &blocks).unwrap();
    assert_eq!(got, vec![ritem("A", 1), ritem("B", 2)]);
}

mod reordered {
    use streamhouse_schema::StreamSchema;

    /// The writer's fields in another order, one removed, one added first.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Item")]
    pub struct Item {
        #[stream_schema(default = "\"new\"")]
        pub first: String,
        pub qty: f64,
        pub sku: String,
    }
}

#[test]
fn reordered_fields_are_read_in_the_writers_order() {
    let plan = plan::<w::Item, reordered::Item>();
    let got: reordered::Item = read_both(&plan, &encode(&witem("A", -3))).unwrap();
    assert_eq!(
        got,
        reordered::Item {
            first: "new".into(),
            qty: -3.0,
            sku: "A".into(),
        }
    );
}

mod renamed {
    use streamhouse_schema::StreamSchema;

    /// The record renamed, with the old name as an alias, and a field that only a
    /// non-plain codec reads (`repr = "long"`), promoted from the writer's int.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Article", alias = "t.Item")]
    pub struct Article {
        pub sku: String,
        #[stream_schema(repr = "long")]
        pub qty: u64,
        pub gone: bool,
    }
}

#[test]
fn a_record_alias_and_a_mapped_field_are_read_directly() {
    let plan = plan::<w::Item, renamed::Article>();
    let got: renamed::Article = read_both(&plan, &encode(&witem("A", 12))).unwrap();
    assert_eq!(
        got,
        renamed::Article {
            sku: "A".into(),
            qty: 12,
            gone: true,
        }
    );
}

#[test]
fn unchanged_writer_bytes_need_no_plan_walk() {
    // The benchmark's shape: fields unchanged or `int`→`long` (same bytes), one added.
    let plan = plan::<w::Item, r::Item>();
    let got: r::Item = read_both(&plan, &encode(&witem("A", 1 << 30))).unwrap();
    assert_eq!(got, ritem("A", 1 << 30));
    // The scratch buffer is not needed for such reads.
    let mut scratch = Vec::new();
    let _: r::Item = plan.decode(&encode(&witem("A", 1)), &mut scratch).unwrap();
    assert!(scratch.is_empty());
}

mod counter {
    use streamhouse_schema::StreamSchema;

    /// A reader of one field, for writers with more.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Counter")]
    pub struct Counter {
        pub n: i32,
    }
}

#[test]
fn skipping_a_field_of_an_undefined_writer_type_is_an_error() {
    let writer = r#"{"type":"record","name":"Counter","namespace":"t","fields":[
        {"name":"n","type":"int"},{"name":"x","type":"t.Nowhere"}]}"#;
    let plan = Resolution::new(writer, counter::Counter::avro_schema_json()).unwrap();
    let err = plan
        .decode::<counter::Counter>(&[0x02, 0x00], &mut Vec::new())
        .unwrap_err();
    assert_eq!(
        err,
        DecodeError::Incompatible("writer schema refers to undefined type t.Nowhere".into())
    );
}

mod tree_v1 {
    use streamhouse_schema::StreamSchema;

    /// A recursive record.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Node")]
    pub struct Node {
        pub value: i32,
        pub children: Vec<Node>,
    }
}

mod tree_v2 {
    use streamhouse_schema::StreamSchema;

    /// The recursive record with its value widened and a field added.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Node")]
    pub struct Node {
        pub value: f64,
        pub children: Vec<Node>,
        #[stream_schema(default = "\"leaf\"")]
        pub label: String,
    }
}

#[test]
fn recursive_records_resolve_at_every_level_and_hostile_depth_is_refused() {
    let plan = plan::<tree_v1::Node, tree_v2::Node>();
    let leaf = |value| tree_v1::Node {
        value,
        children: Vec::new(),
    };
    let tree = tree_v1::Node {
        value: 1,
        children: vec![
            leaf(2),
            tree_v1::Node {
                value: 3,
                children: vec![leaf(4)],
            },
        ],
    };
    let got: tree_v2::Node = read_both(&plan, &encode(&tree)).unwrap();
    let node = |value, children| tree_v2::Node {
        value,
        children,
        label: "leaf".into(),
    };
    assert_eq!(
        got,
        node(
            1.0,
            vec![node(2.0, vec![]), node(3.0, vec![node(4.0, vec![])])]
        )
    );
    // A payload nesting 100 000 levels (value 0, one child, ...) is an error, not a
    // stack overflow.
    let mut deep = Vec::new();
    for _ in 0..100_000 {
        deep.extend_from_slice(&[0x00, 0x02]);
    }
    let err = plan
        .decode::<tree_v2::Node>(&deep, &mut Vec::new())
        .unwrap_err();
    assert!(err.to_string().contains("nests too deeply"), "{err}");
}

mod optional {
    use streamhouse_schema::StreamSchema;

    /// An optional field, for writers whose union puts null last or has no null.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Opt")]
    pub struct Opt {
        pub n: Option<String>,
        pub m: Option<i64>,
    }
}

#[test]
fn writer_unions_in_another_order_and_plain_values_read_as_options() {
    let writer = r#"{"type":"record","name":"Opt","namespace":"t","fields":[
        {"name":"n","type":["string","null"]},{"name":"m","type":"int"}]}"#;
    let plan = Resolution::new(writer, optional::Opt::avro_schema_json()).unwrap();
    // n: branch 0 (string) "hi"; m: int 5.
    let got: optional::Opt = read_both(&plan, &[0x00, 0x04, b'h', b'i', 0x0a]).unwrap();
    assert_eq!(
        got,
        optional::Opt {
            n: Some("hi".into()),
            m: Some(5),
        }
    );
    // n: branch 1 (null); m: int -1.
    let got: optional::Opt = read_both(&plan, &[0x02, 0x01]).unwrap();
    assert_eq!(
        got,
        optional::Opt {
            n: None,
            m: Some(-1)
        }
    );
    // A branch the writer's union does not have.
    let err = plan
        .decode::<optional::Opt>(&[0x04, 0x01], &mut Vec::new())
        .unwrap_err();
    assert!(err.to_string().contains("union branch"), "{err}");
}

mod filled {
    use streamhouse_schema::StreamSchema;

    /// A record the writer had without fields: every value is the reader's default.
    #[derive(StreamSchema, Debug, Clone, PartialEq)]
    #[stream_schema(namespace = "t", name = "Empty")]
    pub struct Empty {
        #[stream_schema(default = "7")]
        pub n: i64,
    }
}

#[test]
fn items_of_no_bytes_are_counted_against_a_budget() {
    let writer =
        r#"{"type":"array","items":{"type":"record","name":"Empty","namespace":"t","fields":[]}}"#;
    let reader = format!(
        r#"{{"type":"array","items":{}}}"#,
        filled::Empty::avro_schema_json()
    );
    let plan = Resolution::new(writer, &reader).unwrap();
    // Three items of no bytes each: three defaults.
    let got: Vec<filled::Empty> = read_both(&plan, &[0x06, 0x00]).unwrap();
    assert_eq!(got, vec![filled::Empty { n: 7 }; 3]);
    // Blocks of 2^20 empty items each, over and over: refused once the array's budget
    // (one item per input byte plus 2^20) is spent, not allocated for.
    let block = [0x80, 0x80, 0x80, 0x01]; // zigzag 2^20
    let mut hostile = Vec::new();
    for _ in 0..64 {
        hostile.extend_from_slice(&block);
    }
    hostile.push(0x00);
    let err = plan
        .decode::<Vec<filled::Empty>>(&hostile, &mut Vec::new())
        .unwrap_err();
    assert!(matches!(err, DecodeError::InvalidCount { .. }), "{err:?}");
    let mut rewritten = Vec::new();
    let err = plan.transcode(&hostile, &mut rewritten).unwrap_err();
    assert!(matches!(err, DecodeError::InvalidCount { .. }), "{err:?}");
}
