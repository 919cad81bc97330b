//! Hostile nesting: a crafted payload of a recursive type is a typed error in every format,
//! never a stack overflow, on a thread with a 2 MiB stack (tokio's default worker stack).
//! Regression for an outside finding: about 10 KB of Avro aborted the process.

use streamhouse_schema::codec::limits;
use streamhouse_schema::{AvroEncode, DecodeError, JsonDecode, JsonDecodeError, StreamSchema};

/// A tree through `Vec<Self>`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "t", protobuf)]
struct Tree {
    #[stream_schema(tag = 1)]
    value: i32,
    #[stream_schema(tag = 2)]
    children: Vec<Tree>,
}

/// A list through `Option<Box<Self>>`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "t")]
struct List {
    head: i32,
    next: Option<Box<List>>,
}

/// An expression through a data enum holding `Box<Self>`.
#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(namespace = "t")]
enum Expr {
    Lit(i64),
    Neg(Box<Expr>),
}

/// Runs `f` on a thread with a 2 MiB stack and returns its result.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the decoder did not overflow its stack")
}

fn root(e: &DecodeError) -> &DecodeError {
    e.root_cause()
}

/// Avro bytes of a tree `depth` levels deep: value 0 and one child at every level.
fn deep_tree_avro(depth: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for _ in 0..depth {
        bytes.extend_from_slice(&[0x00, 0x02]); // value 0, a block of one child
    }
    bytes.push(0x00); // the innermost node: value 0 ...
    bytes.push(0x00); // ... and no children
    bytes.extend(std::iter::repeat_n(0x00, depth)); // each level's closing block
    bytes
}

fn tree(depth: usize) -> Tree {
    let mut t = Tree {
        value: 0,
        children: Vec::new(),
    };
    for _ in 0..depth {
        t = Tree {
            value: 0,
            children: vec![t],
        };
    }
    t
}

#[test]
fn avro_tree_of_10_kb_is_refused_with_too_deep() {
    let bytes = deep_tree_avro(5_000);
    assert!(bytes.len() > 10_000);
    let err = on_small_stack(move || Tree::decode_value(&bytes).unwrap_err());
    assert_eq!(
        root(&err),
        &DecodeError::TooDeep {
            limit: limits::DEFAULT_MAX_NESTING_DEPTH
        },
        "{err}"
    );
}

#[test]
fn avro_tree_within_the_limit_round_trips() {
    // 100 levels of children (each level one array) is well within 128.
    let t = tree(100);
    let mut bytes = Vec::new();
    t.encode_avro(&mut bytes).unwrap();
    assert_eq!(bytes, deep_tree_avro(100));
    let back = on_small_stack(move || Tree::decode_value(&bytes).unwrap());
    assert_eq!(back, tree(100));
}

#[test]
fn avro_boxed_list_and_boxed_enum_are_refused_with_too_deep() {
    // List: head 0, branch 1 (the boxed next), repeated; then head 0, branch 0 (null).
    let mut list = Vec::new();
    for _ in 0..20_000 {
        list.extend_from_slice(&[0x00, 0x02]);
    }
    list.extend_from_slice(&[0x00, 0x00]);
    let err = on_small_stack(move || List::decode_value(&list).unwrap_err());
    assert!(matches!(root(&err), DecodeError::TooDeep { .. }), "{err:?}");

    // Expr: branch 1 (Neg) over and over.
    let mut expr = vec![0x02; 20_000];
    expr.extend_from_slice(&[0x00, 0x02]);
    let err = on_small_stack(move || Expr::decode_value(&expr).unwrap_err());
    assert!(matches!(root(&err), DecodeError::TooDeep { .. }), "{err:?}");
}

#[test]
fn json_and_protobuf_refuse_the_same_depth() {
    let json = format!(
        "{}{}",
        r#"{"value":0,"children":["#.repeat(5_000),
        "]}".repeat(5_000)
    );
    let err = on_small_stack(move || Tree::decode_json(json.as_bytes()).unwrap_err());
    assert!(
        matches!(err.root_cause(), &JsonDecodeError::TooDeep { limit, .. } if limit == limits::DEFAULT_MAX_NESTING_DEPTH),
        "{err:?}"
    );

    // Protobuf: field 2 (children), length-delimited, nested 5 000 times.
    let mut proto: Vec<u8> = Vec::new();
    for _ in 0..5_000 {
        let mut outer = vec![0x12];
        prost::encoding::encode_varint(proto.len() as u64, &mut outer);
        outer.extend_from_slice(&proto);
        proto = outer;
    }
    let err = on_small_stack(move || Tree::decode_proto(&proto).unwrap_err());
    assert!(err.to_string().contains("recursion limit"), "{err}");
}
