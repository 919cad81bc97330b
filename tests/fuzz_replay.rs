//! Replays the fuzz corpora under plain `cargo test`: every file of `fuzz/corpus/<target>/`
//! (the minimised corpus) and `fuzz/artifacts/<target>/` (crash inputs found and fixed)
//! goes through the same body the cargo-fuzz target runs (`fuzz/src/targets`), so a
//! regression on any of them fails here, without nightly or libFuzzer.
//!
//! `FUZZ_WRITE_SEEDS=1 cargo test --test fuzz_replay seed_inputs` (re)writes the seed
//! inputs the corpora started from (see fuzz/README.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[path = "../fuzz/src/targets/mod.rs"]
mod targets;

use targets::{split, types, Target, TARGETS};

/// The fuzz crate's directory.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir` libFuzzer reads (not its hidden working files); none if it is absent.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.is_file()
                && !path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with('.') || name.ends_with(".md"))
        })
        .collect();
    files.sort();
    files
}

/// Runs every corpus and artifact file of the target `name` through its body, on a thread
/// with a main thread's usual 8 MiB stack (the fuzzer runs on one), so that an input nesting
/// deeper than the decoders' limits shows up as a stack overflow here too.
/// Returns how many corpus files there were.
fn replay(name: &str) -> usize {
    let target: &Target = TARGETS
        .iter()
        .find(|target| target.name == name)
        .unwrap_or_else(|| panic!("no target {name}"));
    let corpus = inputs(&fuzz_dir().join("corpus").join(name));
    let artifacts = inputs(&fuzz_dir().join("artifacts").join(name));
    let body = target.body;
    let name: &'static str = target.name;
    let files: Vec<PathBuf> = corpus.iter().chain(&artifacts).cloned().collect();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            for file in files {
                let data = std::fs::read(&file).unwrap();
                if std::panic::catch_unwind(|| body(&data)).is_err() {
                    panic!("{name} fails on {}", file.display());
                }
            }
        })
        .unwrap()
        .join()
        .unwrap_or_else(|_| panic!("{name}: an input failed (see above)"));
    corpus.len()
}

/// Each target has a corpus of at least a few inputs, all of which (and every kept crash
/// input) run without breaking the target's properties.
macro_rules! replay_tests {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            let count = replay(stringify!($name));
            assert!(count >= 3, "fuzz/corpus/{} has {count} files", stringify!($name));
        }
    )*};
}

replay_tests!(
    wire_frame,
    decode_avro,
    decode_json,
    decode_proto,
    resolve_avro,
    schema_parse,
    compat_check,
    rule_inputs,
    cel_rules,
    proto_descriptor,
    proto_rules,
    avro_splice,
);

#[test]
fn every_target_is_replayed() {
    let replayed = [
        "wire_frame",
        "decode_avro",
        "decode_json",
        "decode_proto",
        "resolve_avro",
        "schema_parse",
        "compat_check",
        "rule_inputs",
        "cel_rules",
        "proto_descriptor",
        "proto_rules",
        "avro_splice",
    ];
    let names: Vec<&str> = TARGETS.iter().map(|target| target.name).collect();
    assert_eq!(names, replayed);
}

// ---- seeds ---------------------------------------------------------------------------

mod seeds {
    use super::*;
    use chrono::{DateTime, NaiveDate, NaiveTime};
    use rust_decimal::Decimal;
    use serde_json::Value;
    use streamhouse_schema::codec::proto::Message;
    use streamhouse_schema::schema::proto_file::{
        descriptor_set_with_imports, message_index_path, parse_proto, serialized_proto_with_imports,
    };
    use streamhouse_schema::{AvroEncode, JsonEncode, StreamSchema};
    use targets::resolve::{reader, writer};
    use types::*;

    pub fn inner(name: &str) -> Inner {
        Inner {
            name: name.into(),
            color: Color::Green,
        }
    }

    pub fn wides() -> Vec<Wide> {
        let at = DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap();
        let full = Wide {
            id: "o-1".into(),
            flag: true,
            small: -7,
            count: 42,
            big: -1 << 40,
            unsigned: u32::MAX,
            ratio: 2.5,
            single: -0.25,
            raw: vec![0, 1, 0xff],
            note: Some("héllo".into()),
            inner: inner("a"),
            maybe_inner: Some(inner("b")),
            items: vec![inner("c"), inner("")],
            longs: vec![1, -1, i64::MAX],
            counts: BTreeMap::from([("x".to_string(), 1), ("y".to_string(), -2)]),
            by_name: BTreeMap::from([("k".to_string(), inner("v"))]),
            color: Color::Red,
            colors: vec![Color::Unspecified, Color::Green],
            shape: Shape::Circle {
                radius: 1.5,
                label: Some("c".into()),
            },
            shapes: vec![Shape::Empty, Shape::Square(3)],
            payment: Some(Payment::Voucher(inner("p"))),
            at,
            at_ms: DateTime::from_timestamp_millis(1_700_000_000_123).unwrap(),
            day: NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
            time: NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap(),
            local: at.naive_utc(),
            maybe_at: Some(at),
            uuid: uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            total: Decimal::new(-123_456, 2),
            fixed_total: Decimal::new(99_999_999, 4),
            discount: Some(Decimal::new(1, 3)),
        };
        let empty = Wide {
            id: String::new(),
            flag: false,
            small: 0,
            count: 0,
            big: 0,
            unsigned: 0,
            ratio: 0.0,
            single: 0.0,
            raw: Vec::new(),
            note: None,
            inner: inner(""),
            maybe_inner: None,
            items: Vec::new(),
            longs: Vec::new(),
            counts: BTreeMap::new(),
            by_name: BTreeMap::new(),
            color: Color::Unspecified,
            colors: Vec::new(),
            shape: Shape::Empty,
            shapes: Vec::new(),
            payment: None,
            at: DateTime::UNIX_EPOCH,
            at_ms: DateTime::UNIX_EPOCH,
            day: NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
            time: NaiveTime::MIN,
            local: DateTime::UNIX_EPOCH.naive_utc(),
            maybe_at: None,
            uuid: uuid::Uuid::nil(),
            total: Decimal::ZERO,
            fixed_total: Decimal::ZERO,
            discount: None,
        };
        vec![full, empty]
    }

    pub fn trees() -> Vec<Tree> {
        let leaf = |label: &str| Tree {
            label: label.into(),
            children: Vec::new(),
            link: None,
        };
        let mut deep = leaf("0");
        for depth in 1..20 {
            deep = Tree {
                label: depth.to_string(),
                children: vec![leaf("c")],
                link: Some(Box::new(deep)),
            };
        }
        vec![leaf(""), deep]
    }

    pub fn exprs() -> Vec<Expr> {
        let mut e = Expr::Lit(1);
        for depth in 0..10 {
            e = if depth % 2 == 0 {
                Expr::Neg(Box::new(e))
            } else {
                Expr::Add {
                    left: Box::new(e),
                    right: Box::new(Expr::Lit(-depth)),
                }
            };
        }
        vec![Expr::Lit(0), e]
    }

    /// A full and an empty [`Borrowed`] in Avro, and [`BorrowedJson`] in JSON with and
    /// without an escaped string in its `&str` field.
    fn borrowed_seeds() -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
        use std::borrow::Cow;
        use targets::types::{Borrowed, BorrowedJson, BorrowedPart, BorrowedPick};
        let part = BorrowedPart {
            key: "k",
            value: -3,
        };
        let full = Borrowed {
            name: "név",
            raw: &[0, 255],
            text: Cow::Borrowed("t"),
            blob: Cow::Borrowed(&[1, 2]),
            note: Some("n"),
            tags: vec!["a", ""],
            parts: vec![part.clone()],
            pick: Some(BorrowedPick::Word { word: "w" }),
            next: Some(Box::new(Borrowed {
                name: "",
                raw: &[],
                text: Cow::Borrowed(""),
                blob: Cow::Borrowed(&[]),
                note: None,
                tags: Vec::new(),
                parts: Vec::new(),
                pick: Some(BorrowedPick::Number { n: 9 }),
                next: None,
                count: 0,
            })),
            count: 42,
        };
        let mut avro = Vec::new();
        for value in [&full, full.next.as_deref().unwrap()] {
            let mut bytes = Vec::new();
            value.encode_avro(&mut bytes).unwrap();
            avro.push(prefixed(0, &bytes));
        }
        let json_value = BorrowedJson {
            name: "név",
            text: Cow::Borrowed("line\nbreak"),
            blob: Cow::Borrowed(&[1, 2]),
            note: Some("n"),
            tags: vec!["a"],
            parts: vec![part],
            pick: Some(BorrowedPick::Number { n: 1 }),
            next: None,
            count: 7,
        };
        let plain = json_value.to_json_vec().unwrap();
        let escaped = String::from_utf8(plain.clone())
            .unwrap()
            .replace(r#""name":"név""#, r#""name":"n\u00e9v""#)
            .into_bytes();
        assert_ne!(plain, escaped);
        (avro, vec![prefixed(0, &plain), prefixed(0, &escaped)])
    }

    /// A full and a nested [`ProtoTwin`](targets::types::ProtoTwin) in Protobuf, which the
    /// `decode_proto` target reads into its borrowing twin besides the selected type.
    fn borrowed_proto_seeds() -> Vec<Vec<u8>> {
        use targets::types::{Color, ProtoTwin};
        let leaf = ProtoTwin {
            name: "c".into(),
            raw: Vec::new(),
            text: String::new(),
            blob: vec![7],
            note: None,
            tags: Vec::new(),
            count: -1,
            longs: Vec::new(),
            color: Color::Unspecified,
            inner: None,
            children: Vec::new(),
        };
        let full = ProtoTwin {
            name: "név".into(),
            raw: vec![0, 255],
            text: "t".into(),
            blob: vec![1, 2],
            note: Some(String::new()),
            tags: vec!["a".into(), String::new()],
            count: 42,
            longs: vec![1, -300],
            color: Color::Green,
            inner: Some(inner("i")),
            children: vec![leaf.clone(), leaf.clone()],
        };
        [full, leaf]
            .iter()
            .map(|value| {
                let mut bytes = Vec::new();
                value.encode_proto(&mut bytes);
                prefixed(0, &bytes)
            })
            .collect()
    }

    fn prefixed(selector: u8, bytes: &[u8]) -> Vec<u8> {
        [&[selector][..], bytes].concat()
    }

    /// Every sample value in each format, behind the codec targets' selector byte.
    fn all<T: StreamSchema + JsonEncode + Message>(
        selector: u8,
        values: &[T],
    ) -> [Vec<Vec<u8>>; 3] {
        let mut avro = Vec::new();
        let mut json = Vec::new();
        let mut proto = Vec::new();
        for value in values {
            let mut bytes = Vec::new();
            value.encode_avro(&mut bytes).unwrap();
            avro.push(prefixed(selector, &bytes));
            json.push(prefixed(selector, &value.to_json_vec().unwrap()));
            let mut bytes = Vec::new();
            value.encode_proto(&mut bytes);
            proto.push(prefixed(selector, &bytes));
        }
        [avro, json, proto]
    }

    fn hex(text: &str) -> Vec<u8> {
        hex::decode(text).unwrap()
    }

    fn fixture(path: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
    }

    fn text(value: &Value) -> String {
        match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }

    pub fn all_seeds() -> BTreeMap<&'static str, Vec<Vec<u8>>> {
        let mut out: BTreeMap<&str, Vec<Vec<u8>>> = BTreeMap::new();

        // wire_frame: Confluent's Python serializers' frames, plus message-index paths.
        let frames: Vec<Value> = serde_json::from_str(&fixture(
            "streamhouse-schema/tests/fixtures/wire/confluent-python-frames.json",
        ))
        .unwrap();
        let wire = out.entry("wire_frame").or_default();
        for frame in &frames {
            if let Some(wire_hex) = frame["wire_hex"].as_str() {
                wire.push(hex(wire_hex));
            }
        }
        for indexes in [&[0][..], &[1], &[1, 0], &[3, 2, 1], &[0, 0, 0, 0]] {
            let mut frame = Vec::new();
            streamhouse_schema::wire::write_header(&mut frame, 7);
            streamhouse_schema::wire::write_message_indexes(&mut frame, indexes);
            frame.extend_from_slice(b"\x08\x01");
            wire.push(frame);
        }
        let mut guid = Vec::new();
        streamhouse_schema::wire::write_guid_header(&mut guid, &[7; 16]);
        guid.push(0);
        wire.push(guid);

        // decode_*: the sample values of each type in each format.
        for [avro, json, proto] in [all(0, &wides()), all(1, &trees()), all(2, &exprs())] {
            out.entry("decode_avro").or_default().extend(avro);
            out.entry("decode_json").or_default().extend(json);
            out.entry("decode_proto").or_default().extend(proto);
        }

        // decode_avro / decode_json: borrowing values, which both targets read every
        // payload into besides the selected type (the selector byte is then ignored).
        let (avro, json) = borrowed_seeds();
        out.entry("decode_avro").or_default().extend(avro);
        out.entry("decode_json").or_default().extend(json);
        out.entry("decode_proto")
            .or_default()
            .extend(borrowed_proto_seeds());

        // resolve_avro: writer payloads.
        let rec = writer::Rec {
            int_to_long: -3,
            long_to_double: 1 << 50,
            float_to_double: 0.5,
            string_to_bytes: "s".into(),
            bytes_to_string: b"b".to_vec(),
            removed: "gone".into(),
            old_name: "renamed".into(),
            color: writer::Color::Blue,
            shape: writer::Shape::Circle { radius: 2.0 },
            items: vec![writer::Item {
                sku: "A".into(),
                qty: 2,
                gone: true,
            }],
            by_key: BTreeMap::from([(
                "k".to_string(),
                writer::Item {
                    sku: "B".into(),
                    qty: -1,
                    gone: false,
                },
            )]),
            maybe: None,
            plain_to_optional: 9,
            optional_to_plain: Some("x".into()),
        };
        let node = writer::Node {
            value: 1,
            children: vec![writer::Node {
                value: 2,
                children: Vec::new(),
                next: None,
            }],
            next: Some(Box::new(writer::Node {
                value: 3,
                children: Vec::new(),
                next: None,
            })),
        };
        let resolve = out.entry("resolve_avro").or_default();
        let mut bytes = Vec::new();
        rec.encode_avro(&mut bytes).unwrap();
        resolve.push(prefixed(0, &bytes));
        let mut square = rec.clone();
        square.shape = writer::Shape::Square(5);
        square.color = writer::Color::Red;
        square.optional_to_plain = None;
        let mut bytes = Vec::new();
        square.encode_avro(&mut bytes).unwrap();
        resolve.push(prefixed(0, &bytes));
        let mut bytes = Vec::new();
        node.encode_avro(&mut bytes).unwrap();
        resolve.push(prefixed(1, &bytes));
        // The reader types are the fuzzed ones: make sure they are used by the seeds too.
        let _ = (
            reader::Rec::avro_schema_json(),
            reader::Node::avro_schema_json(),
        );

        // schema_parse: each type's schemas in each form, the fixtures, and references.
        let parse = out.entry("schema_parse").or_default();
        fn schemas_of<T: StreamSchema>(parse: &mut Vec<Vec<u8>>) {
            parse.push(prefixed(0, T::avro_schema_json().as_bytes()));
            parse.push(prefixed(1, T::json_schema_text().as_bytes()));
            parse.push(prefixed(2, T::proto_text().as_bytes()));
            parse.push(prefixed(3, &T::proto_file().encode_to_vec()));
        }
        schemas_of::<Wide>(parse);
        schemas_of::<Tree>(parse);
        schemas_of::<Expr>(parse);
        for path in [
            "streamhouse-schema/tests/fixtures/compat/order-v1.avsc",
            "streamhouse-schema/tests/fixtures/compat/order-v2.avsc",
            "streamhouse-schema/tests/fixtures/compat/order-v3.avsc",
        ] {
            parse.push(prefixed(0, fixture(path).as_bytes()));
        }
        for path in [
            "streamhouse-schema/tests/fixtures/compat/order-v1.proto",
            "streamhouse-schema/tests/fixtures/compat/order-v2.proto",
            "tests/fixtures/many.proto",
            "tests/fixtures/oracle.proto",
        ] {
            parse.push(prefixed(2, fixture(path).as_bytes()));
        }
        let money_avro = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"}]}"#;
        let order_avro = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"total","type":"shop.Money"}]}"#;
        parse.push(prefixed(
            0,
            &split::join(&[order_avro.as_bytes(), b"shop.Money", money_avro.as_bytes()]),
        ));
        let money_proto = "syntax = \"proto3\"; package shop; message Money { int64 cents = 1; }";
        let order_proto = "syntax = \"proto3\"; package shop; import \"money.proto\";\nmessage Order { Money total = 1; }";
        parse.push(prefixed(
            2,
            &split::join(&[
                order_proto.as_bytes(),
                b"money.proto",
                money_proto.as_bytes(),
            ]),
        ));
        let money_json = r#"{"type":"object","properties":{"cents":{"type":"integer"}}}"#;
        let order_json = r#"{"type":"object","properties":{"total":{"$ref":"money.json"}}}"#;
        parse.push(prefixed(
            1,
            &split::join(&[order_json.as_bytes(), b"money.json", money_json.as_bytes()]),
        ));

        // compat_check: the compatibility corpus's cases.
        let corpus: Value = serde_json::from_str(&fixture(
            "streamhouse-schema/tests/fixtures/compat/corpus.json",
        ))
        .unwrap();
        let compat = out.entry("compat_check").or_default();
        let levels = [
            "NONE",
            "BACKWARD",
            "BACKWARD_TRANSITIVE",
            "FORWARD",
            "FORWARD_TRANSITIVE",
            "FULL",
            "FULL_TRANSITIVE",
        ];
        for case in corpus["cases"].as_array().unwrap() {
            let format = match case["format"].as_str().unwrap() {
                "AVRO" => 0,
                "PROTOBUF" => 1,
                _ => 2,
            };
            let level = levels
                .iter()
                .position(|level| Some(*level) == case["level"].as_str())
                .unwrap_or(1) as u8;
            let mut texts = vec![text(&case["candidate"])];
            texts.extend(
                case["existing"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .take(2)
                    .map(text),
            );
            let parts: Vec<&[u8]> = texts.iter().map(|text| text.as_bytes()).collect();
            compat.push(prefixed(level * 3 + format, &split::join(&parts)));
        }

        out.insert("proto_descriptor", proto_descriptor_seeds());
        out.insert("proto_rules", proto_rules_seeds());
        out.insert("avro_splice", avro_splice_seeds());
        out
    }

    /// `avro_splice`: payloads of the target's schema (`targets::avro_splice::SCHEMA`),
    /// encoded by hand: full, empty, with many items, with sized blocks, with non-ASCII text.
    fn avro_splice_seeds() -> Vec<Vec<u8>> {
        fn long(out: &mut Vec<u8>, value: i64) {
            let mut zigzag = ((value << 1) ^ (value >> 63)) as u64;
            while zigzag >= 0x80 {
                out.push(zigzag as u8 | 0x80);
                zigzag >>= 7;
            }
            out.push(zigzag as u8);
        }
        fn string(out: &mut Vec<u8>, text: &str) {
            long(out, text.len() as i64);
            out.extend_from_slice(text.as_bytes());
        }
        // `sized`: arrays and maps written as one block of negative count and byte size.
        let order = |ssn: &str,
                     aliases: &[&str],
                     lines: &[(&str, &str, i32)],
                     note: Option<&str>,
                     sized: bool| {
            let mut out = Vec::new();
            string(&mut out, "o-1");
            string(&mut out, ssn);
            out.extend_from_slice(&12.5f64.to_le_bytes());
            long(&mut out, 1);
            let block = |out: &mut Vec<u8>, count: usize, items: Vec<u8>| {
                if count > 0 {
                    if sized {
                        long(out, -(count as i64));
                        long(out, items.len() as i64);
                    } else {
                        long(out, count as i64);
                    }
                    out.extend(items);
                }
                out.push(0);
            };
            let mut items = Vec::new();
            for alias in aliases {
                string(&mut items, alias);
            }
            block(&mut out, aliases.len(), items);
            let mut items = Vec::new();
            for (sku, secret, qty) in lines {
                string(&mut items, sku);
                string(&mut items, secret);
                long(&mut items, i64::from(*qty));
            }
            block(&mut out, lines.len(), items);
            let mut items = Vec::new();
            string(&mut items, "a");
            long(&mut items, -3);
            block(&mut out, 1, items);
            match note {
                None => long(&mut out, 0),
                Some(note) => {
                    long(&mut out, 1);
                    string(&mut out, note);
                }
            }
            out.extend_from_slice(&[1, 2, 3, 4]);
            out.push(1);
            long(&mut out, 123_456_789);
            out
        };
        vec![
            order(
                "123-45-6789",
                &["al", "bo"],
                &[("s-1", "x", 2), ("s-2", "y", -1)],
                Some("door"),
                false,
            ),
            order("", &[], &[], None, false),
            order("XXX", &["XXX"], &[("s", "XXX", 0)], Some(""), false),
            order("123", &["al"], &[("s-1", "x", 2)], None, true),
            order("é😀", &["ü"; 5], &[("ß", "ñ", 7); 4], Some("ø"), false),
        ]
    }

    /// A schema as the registry serves it: the bytes of its `?format=serialized` form.
    fn served(text: &str) -> Vec<u8> {
        let served = serialized_proto_with_imports(text, &[]).unwrap();
        streamhouse_schema::rules::encryption::field::from_base64(&served).unwrap()
    }

    /// `proto_descriptor`: each fuzzed type's descriptor, the `.proto` fixtures and the
    /// rules target's schema as served (custom options kept), a `json_name` of its own, and
    /// a file no compiler made (a type that refers to itself and one that does not exist).
    fn proto_descriptor_seeds() -> Vec<Vec<u8>> {
        use prost::Message as _;
        use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

        let mut seeds = vec![
            Wide::proto_file().encode_to_vec(),
            Tree::proto_file().encode_to_vec(),
            Expr::proto_file().encode_to_vec(),
        ];
        for path in [
            "streamhouse-schema/tests/fixtures/compat/order-v1.proto",
            "streamhouse-schema/tests/fixtures/compat/order-v2.proto",
            "tests/fixtures/many.proto",
            "tests/fixtures/oracle.proto",
        ] {
            seeds.push(served(&fixture(path)));
        }
        seeds.push(served(targets::proto_rules::SCHEMA));
        seeds.push(served(
            "syntax = \"proto2\"; package j; message A { optional string a_b = 1 [json_name = \"other\"]; \
             optional string c_d = 2 [default = \"x\"]; repeated int32 n = 3 [packed = true]; \
             oneof o { string p = 4; } extensions 100 to 200; }\n\
             extend A { optional string e_f = 100; }",
        ));
        let field = |name: &str, number: i32, type_name: &str| FieldDescriptorProto {
            name: Some(name.into()),
            number: Some(number),
            label: Some(1),
            r#type: Some(11),
            type_name: Some(type_name.into()),
            ..Default::default()
        };
        let uncompiled = FileDescriptorProto {
            name: Some("loop.proto".into()),
            package: Some("fuzz".into()),
            message_type: vec![DescriptorProto {
                name: Some("Loop".into()),
                field: vec![field("me", 1, ".fuzz.Loop"), field("gone", 2, ".missing.X")],
                nested_type: vec![DescriptorProto {
                    name: Some("Inner".into()),
                    field: vec![field("up", 1, ".fuzz.Loop")],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        seeds.push(uncompiled.encode_to_vec());
        seeds
    }

    /// `proto_rules`: messages of the target's schema (every kind of field set; empty;
    /// another oneof member; the top-level `Address`; a nested `Line`) behind their message
    /// indexes, to WRITE (selector 0), and the ciphertext WRITE made of each, to READ
    /// (selector 1).
    fn proto_rules_seeds() -> Vec<Vec<u8>> {
        use prost::Message as _;
        use prost_reflect::{DescriptorPool, DynamicMessage, MapKey, Value};
        use std::collections::HashMap;
        use streamhouse_schema::schema::contract::RuleMode;
        use targets::proto_rules::{apply, SCHEMA};

        let (set, _) = descriptor_set_with_imports(SCHEMA, &[]).unwrap();
        let pool = DescriptorPool::decode(set.as_slice()).unwrap();
        let descriptor = |name: &str| pool.get_message_by_name(name).unwrap();
        let message = |name: &str, fields: Vec<(&str, Value)>| {
            let mut message = DynamicMessage::new(descriptor(name));
            for (field, value) in fields {
                message.set_field_by_name(field, value);
            }
            message
        };
        let text = |s: &str| Value::String(s.into());
        let line = |sku: &str, parts: Vec<Value>| {
            Value::Message(message(
                "fuzz.Order.Line",
                vec![
                    ("sku", text(sku)),
                    ("qty", Value::I32(2)),
                    ("parts", Value::List(parts)),
                ],
            ))
        };
        let address = Value::Message(message(
            "fuzz.Address",
            vec![("street", text("Main St")), ("zone", Value::I32(-3))],
        ));
        let full = message(
            "fuzz.Order",
            vec![
                ("id", text("o-1")),
                ("ssn", text("123-45-6789")),
                ("card", Value::Bytes(vec![4, 1, 1, 1].into())),
                ("email", text("ann@example.com")),
                ("aliases", Value::List(vec![text("a"), text("")])),
                (
                    "lines",
                    Value::Map(HashMap::from([
                        (
                            MapKey::String("l1".into()),
                            line("s-1", vec![line("p", vec![])]),
                        ),
                        (MapKey::String("l2".into()), line("", vec![])),
                    ])),
                ),
                ("phone", text("555-0100")),
                (
                    "parent",
                    Value::Message(message(
                        "fuzz.Order",
                        vec![("id", text("o-0")), ("address", address.clone())],
                    )),
                ),
                ("amount", Value::I64(-10)),
                (
                    "at",
                    Value::Message(message(
                        "google.protobuf.Timestamp",
                        vec![
                            ("seconds", Value::I64(1_700_000_000)),
                            ("nanos", Value::I32(5)),
                        ],
                    )),
                ),
                ("status", Value::EnumNumber(1)),
                ("ratio", Value::F64(0.5)),
                (
                    "notes",
                    Value::Map(HashMap::from([(MapKey::I32(7), text("n"))])),
                ),
            ],
        );
        let file = parse_proto(SCHEMA).unwrap();
        let line_path = message_index_path(&file, "fuzz.Order.Line").unwrap();
        let payloads = [
            (vec![0], full),
            (vec![0], message("fuzz.Order", vec![])),
            (vec![0], message("fuzz.Order", vec![("address", address)])),
            (
                vec![1],
                message(
                    "fuzz.Address",
                    vec![("street", text("Elm")), ("zone", Value::I32(7))],
                ),
            ),
            (
                line_path,
                message("fuzz.Order.Line", vec![("sku", text("x"))]),
            ),
        ];
        let mut seeds = Vec::new();
        for (path, message) in payloads {
            let mut payload = Vec::new();
            streamhouse_schema::wire::write_message_indexes(&mut payload, &path);
            payload.extend_from_slice(&message.encode_to_vec());
            let sealed = apply(RuleMode::Write, &payload).unwrap();
            // The fixed DEK opens what it sealed, so the READ seeds reach the fields: the
            // `PII` and `SECRET` e-mail is ciphertext on the wire, and after READ its
            // plaintext with the transform's suffix from each side.
            let opened = apply(RuleMode::Read, &sealed).unwrap();
            let has = |bytes: &[u8], text: &[u8]| bytes.windows(text.len()).any(|w| w == text);
            if has(&payload, b"ann@example.com") {
                assert!(!has(&sealed, b"ann@example.com"));
                assert!(has(&opened, b"ann@example.com~~"));
            }
            seeds.push(prefixed(0, &payload));
            seeds.push(prefixed(1, &sealed));
        }
        seeds
    }
}

/// Every seed input the corpora started from runs through its target's body without
/// breaking its properties. With `FUZZ_WRITE_SEEDS=1` it also writes them into
/// `fuzz/corpus/<target>/seed-<hash>` (to re-seed by hand, then minimise with
/// `cargo fuzz cmin`).
#[test]
fn seed_inputs_pass_their_targets() {
    let write = std::env::var_os("FUZZ_WRITE_SEEDS").is_some();
    let mut total = 0;
    for (name, inputs) in seeds::all_seeds() {
        let target: &Target = TARGETS
            .iter()
            .find(|target| target.name == name)
            .unwrap_or_else(|| panic!("no target {name}"));
        let dir = fuzz_dir().join("corpus").join(name);
        for input in inputs {
            let body = target.body;
            let data = input.clone();
            // On a thread with the fuzzer's 8 MiB stack, as the replay runs.
            std::thread::Builder::new()
                .stack_size(8 << 20)
                .spawn(move || body(&data))
                .unwrap()
                .join()
                .unwrap_or_else(|_| panic!("{name} fails on a seed input {input:02x?}"));
            total += 1;
            if write {
                std::fs::create_dir_all(&dir).unwrap();
                // FNV-1a: a stable name, so that re-seeding does not duplicate files.
                let hash = input.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
                std::fs::write(dir.join(format!("seed-{hash:016x}")), &input).unwrap();
            }
        }
    }
    assert!(total >= TARGETS.len() * 3, "only {total} seed inputs");
}

/// The hand-built regression inputs in `fuzz/artifacts/` (20 000 levels of Avro, Protobuf
/// and resolved nesting, 5 000 of JSON) really reach the nesting limits: each decodes to
/// the limit's typed error (inside the field-path wrappers), not to some earlier error that
/// would make the replay vacuous.
#[test]
fn deep_regression_inputs_fail_with_the_nesting_error() {
    use streamhouse_schema::{JsonDecode, StreamSchema};
    use targets::resolve::{reader, writer};
    use types::{Expr, Tree};

    let artifact = |target: &str, name: &str| {
        let bytes = std::fs::read(fuzz_dir().join("artifacts").join(target).join(name)).unwrap();
        bytes[1..].to_vec()
    };
    fn too_deep<E: std::fmt::Debug>(result: Result<(), E>, innermost: &str) {
        let debug = format!("{result:?}");
        assert!(result.is_err() && debug.contains(innermost), "{debug:.300}");
    }
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let avro = "TooDeep { limit: 128 }";
            for name in ["regression-deep-tree-link", "regression-deep-tree-children"] {
                too_deep(
                    Tree::decode_value(&artifact("decode_avro", name)).map(drop),
                    avro,
                );
                too_deep(
                    Tree::decode_json(&artifact("decode_json", name)).map(drop),
                    "TooDeep { limit: 128",
                );
                too_deep(
                    Tree::decode_proto(&artifact("decode_proto", name)).map(drop),
                    "description: RecursionLimitReached",
                );
            }
            too_deep(
                Expr::decode_value(&artifact("decode_avro", "regression-deep-expr-neg")).map(drop),
                avro,
            );
            let plan = streamhouse_schema::codec::avro::resolve::Resolution::new(
                writer::Node::avro_schema_json(),
                reader::Node::avro_schema_json(),
            )
            .unwrap();
            for name in ["regression-deep-node-next", "regression-deep-node-children"] {
                let payload = artifact("resolve_avro", name);
                too_deep(
                    plan.decode::<reader::Node>(&payload, &mut Vec::new())
                        .map(drop),
                    "TooDeep {",
                );
                too_deep(plan.transcode(&payload, &mut Vec::new()), "TooDeep {");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// The Protobuf regression inputs reach their limits: 20 000 nested message types in a
/// descriptor and 20 000 nested `parent`s in a rules payload are refused by the Protobuf
/// decoder's recursion limit; 80 levels decode, and the rules' field walk refuses them
/// past its own limit (64).
#[test]
fn deep_protobuf_inputs_fail_with_the_nesting_errors() {
    use streamhouse_schema::schema::contract::RuleMode;
    use streamhouse_schema::schema::proto_file::{descriptor_from_base64, ProtoSchemaError};
    use targets::proto_rules::apply;

    let artifact = |target: &str, name: &str| {
        std::fs::read(fuzz_dir().join("artifacts").join(target).join(name)).unwrap()
    };
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let descriptor = artifact("proto_descriptor", "regression-deep-nested-types");
            let base64 = targets::schema_parsers::base64(&descriptor);
            match descriptor_from_base64(&base64) {
                Err(ProtoSchemaError::Descriptor(reason)) => {
                    assert!(reason.contains("recursion limit reached"), "{reason}")
                }
                other => panic!("{other:?}"),
            }
            let deep = artifact("proto_rules", "regression-deep-parent");
            let reason = apply(RuleMode::Write, &deep[1..]).unwrap_err();
            assert!(
                reason.contains("does not decode as fuzz.Order")
                    && reason.contains("recursion limit reached"),
                "{reason}"
            );
            let walk = artifact("proto_rules", "regression-walk-depth-80");
            assert_eq!(
                apply(RuleMode::Write, &walk[1..]).unwrap_err(),
                "pii_suffix: the message is nested too deeply"
            );
        })
        .unwrap()
        .join()
        .unwrap();
}
