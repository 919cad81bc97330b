//! Registry server over real HTTP: bad input of every kind gets its exact 4xx and Confluent
//! error code, as JSON, and the server serves the next request; on SQLite and PostgreSQL.
//!
//! Everything runs on threads with 2 MiB stacks (the test's own and the server's tokio
//! workers), so the 10 000-deep schemas prove that parsing is bounded, not that the stack
//! was large.
#![cfg(feature = "server")]

mod server_common;

use reqwest::Method;
use serde_json::{json, Value};
use server_common::{Backend, TestDb, TestRegistry};

/// The stack of every thread of these tests.
const STACK_BYTES: usize = 2 * 1024 * 1024;
/// The body limit the server under test gets.
const BODY_LIMIT: usize = 1024 * 1024;
/// How deep the deep schemas nest.
const DEEP: usize = 10_000;

/// A request body.
enum Body {
    None,
    Json(Value),
    Raw(String),
}

/// One bad request and the answer it must get.
struct Case {
    what: &'static str,
    method: Method,
    path: String,
    body: Body,
    status: u16,
    error_code: u64,
}

fn case(
    what: &'static str,
    method: Method,
    path: impl Into<String>,
    body: Body,
    status: u16,
    error_code: u64,
) -> Case {
    Case {
        what,
        method,
        path: path.into(),
        body,
        status,
        error_code,
    }
}

fn schema(text: impl Into<String>) -> Body {
    Body::Json(json!({ "schema": text.into() }))
}

fn typed(text: impl Into<String>, schema_type: &str) -> Body {
    Body::Json(json!({ "schema": text.into(), "schemaType": schema_type }))
}

fn referencing(subject: &str, version: Value) -> Body {
    Body::Json(json!({
        "schema": "\"string\"",
        "references": [{ "name": "x", "subject": subject, "version": version }]
    }))
}

fn deep_avro() -> String {
    format!(
        "{}\"int\"{}",
        r#"{"type":"array","items":"#.repeat(DEEP),
        "}".repeat(DEEP)
    )
}

fn deep_json_schema() -> String {
    format!(
        "{}{{\"type\":\"string\"}}{}",
        r#"{"type":"object","properties":{"a":"#.repeat(DEEP),
        "}}".repeat(DEEP)
    )
}

/// One Avro document: a union of records, each nesting the previous one 60 arrays down by
/// name. Every part is shallow; expanded, it nests 245 levels.
fn named_chain_in_one_document() -> String {
    let mut records = vec![r#"{"type":"record","name":"N0","fields":[]}"#.to_string()];
    for i in 1..5 {
        records.push(format!(
            r#"{{"type":"record","name":"N{i}","fields":[{{"name":"f","type":{}"N{}"{}}}]}}"#,
            r#"{"type":"array","items":"#.repeat(60),
            i - 1,
            "}".repeat(60)
        ));
    }
    format!("[{}]", records.join(","))
}

fn deep_protobuf() -> String {
    format!(
        "syntax = \"proto3\"; {}{}",
        "message A { ".repeat(DEEP),
        "}".repeat(DEEP)
    )
}

fn cases() -> Vec<Case> {
    use Method as M;
    let ok_schema = || schema("\"string\"");
    let long_subject = "s".repeat(1025);
    vec![
        // Subjects.
        case(
            "empty subject",
            M::POST,
            "/subjects//versions",
            ok_schema(),
            422,
            42208,
        ),
        case(
            "NUL in subject",
            M::POST,
            "/subjects/a%00b/versions",
            ok_schema(),
            422,
            42208,
        ),
        case(
            "control char in subject",
            M::POST,
            "/subjects/a%01b/versions",
            ok_schema(),
            422,
            42208,
        ),
        case(
            "C1 control in subject",
            M::POST,
            "/subjects/a%C2%85b/versions",
            ok_schema(),
            422,
            42208,
        ),
        case(
            "invalid UTF-8 subject",
            M::POST,
            "/subjects/a%C3%28/versions",
            ok_schema(),
            422,
            42208,
        ),
        case(
            "invalid UTF-8 subject (GET)",
            M::GET,
            "/subjects/%FF/versions",
            Body::None,
            422,
            42208,
        ),
        case(
            "too long subject",
            M::POST,
            format!("/subjects/{long_subject}/versions"),
            ok_schema(),
            422,
            42208,
        ),
        case(
            "NUL subject lookup",
            M::POST,
            "/subjects/a%00",
            ok_schema(),
            422,
            42208,
        ),
        case(
            "NUL subject delete",
            M::DELETE,
            "/subjects/a%00",
            Body::None,
            422,
            42208,
        ),
        case(
            "NUL subject config",
            M::PUT,
            "/config/a%00",
            Body::Json(json!({"compatibility": "NONE"})),
            422,
            42208,
        ),
        case(
            "NUL subject config read",
            M::GET,
            "/config/a%00",
            Body::None,
            422,
            42208,
        ),
        case(
            "NUL subject mode",
            M::PUT,
            "/mode/a%00",
            Body::Json(json!({"mode": "READONLY"})),
            422,
            42208,
        ),
        case(
            "NUL subject compatibility",
            M::POST,
            "/compatibility/subjects/a%00/versions",
            ok_schema(),
            422,
            42208,
        ),
        case(
            "NUL subject under /schemas",
            M::GET,
            "/schemas/subjects/a%00/versions",
            Body::None,
            422,
            42208,
        ),
        // Versions.
        case(
            "version 0",
            M::GET,
            "/subjects/s/versions/0",
            Body::None,
            422,
            42202,
        ),
        case(
            "version -2",
            M::GET,
            "/subjects/s/versions/-2",
            Body::None,
            422,
            42202,
        ),
        case(
            "version past i32",
            M::GET,
            "/subjects/s/versions/2147483648",
            Body::None,
            422,
            42202,
        ),
        case(
            "version past i64",
            M::GET,
            "/subjects/s/versions/99999999999999999999",
            Body::None,
            422,
            42202,
        ),
        case(
            "version word",
            M::GET,
            "/subjects/s/versions/abc",
            Body::None,
            422,
            42202,
        ),
        case(
            "version not UTF-8",
            M::GET,
            "/subjects/s/versions/%FF",
            Body::None,
            422,
            42202,
        ),
        case(
            "delete version 0",
            M::DELETE,
            "/subjects/s/versions/0",
            Body::None,
            422,
            42202,
        ),
        case(
            "compatibility version word",
            M::POST,
            "/compatibility/subjects/s/versions/x1",
            ok_schema(),
            422,
            42202,
        ),
        case(
            "body version past i32",
            M::POST,
            "/subjects/s/versions",
            Body::Json(json!({"schema": "\"string\"", "version": 2_147_483_648_i64})),
            422,
            42202,
        ),
        // Ids.
        case("id 0", M::GET, "/schemas/ids/0", Body::None, 404, 40403),
        case("id -1", M::GET, "/schemas/ids/-1", Body::None, 404, 40403),
        case(
            "id past i32",
            M::GET,
            "/schemas/ids/2147483648",
            Body::None,
            404,
            40403,
        ),
        case(
            "id past i64",
            M::GET,
            "/schemas/ids/99999999999999999999",
            Body::None,
            404,
            40403,
        ),
        case(
            "id word",
            M::GET,
            "/schemas/ids/abc/versions",
            Body::None,
            404,
            40403,
        ),
        case(
            "id not UTF-8",
            M::GET,
            "/schemas/ids/%FF",
            Body::None,
            404,
            40403,
        ),
        case(
            "body id 0",
            M::POST,
            "/subjects/s/versions",
            Body::Json(json!({"schema": "\"string\"", "id": 0})),
            422,
            42207,
        ),
        case(
            "body id past i32",
            M::POST,
            "/subjects/s/versions",
            Body::Json(json!({"schema": "\"string\"", "id": 2_147_483_648_i64})),
            422,
            42207,
        ),
        // Bodies.
        case(
            "malformed JSON",
            M::POST,
            "/subjects/s/versions",
            Body::Raw("{\"schema\":".into()),
            400,
            400,
        ),
        case(
            "empty body",
            M::POST,
            "/subjects/s/versions",
            Body::Raw(String::new()),
            400,
            400,
        ),
        case(
            "schema not a string",
            M::POST,
            "/subjects/s/versions",
            Body::Json(json!({"schema": 5})),
            400,
            400,
        ),
        case(
            "references not a list",
            M::POST,
            "/subjects/s/versions",
            Body::Json(json!({"schema": "\"string\"", "references": "x"})),
            400,
            400,
        ),
        case(
            "reference version a word",
            M::POST,
            "/subjects/s/versions",
            referencing("x", json!("latest")),
            400,
            400,
        ),
        case(
            "id a string",
            M::POST,
            "/subjects/s/versions",
            Body::Json(json!({"schema": "\"string\"", "id": "7"})),
            400,
            400,
        ),
        case(
            "compatibility not a string",
            M::PUT,
            "/config",
            Body::Json(json!({"compatibility": ["NONE"]})),
            400,
            400,
        ),
        case(
            "mode missing",
            M::PUT,
            "/mode",
            Body::Json(json!({})),
            400,
            400,
        ),
        case(
            "10k-deep request JSON",
            M::POST,
            "/subjects/s/versions",
            Body::Raw(format!(
                "{{\"schema\":\"\\\"int\\\"\",\"references\":{}{}}}",
                "[".repeat(DEEP),
                "]".repeat(DEEP)
            )),
            400,
            400,
        ),
        case(
            "10k-deep request JSON object",
            M::POST,
            "/subjects/s/versions",
            Body::Raw(format!(
                "{}{}",
                "{\"schema\":".repeat(DEEP),
                "}".repeat(DEEP)
            )),
            400,
            400,
        ),
        case(
            "body above the limit",
            M::POST,
            "/subjects/s/versions",
            Body::Raw(format!("{{\"schema\":\"{}\"}}", "a".repeat(BODY_LIMIT + 1))),
            413,
            42209,
        ),
        // Schemas.
        case(
            "NUL in a Protobuf schema",
            M::POST,
            "/subjects/s/versions",
            typed(
                "syntax = \"proto3\";\n// \u{0}\nmessage A { string a = 1; }",
                "PROTOBUF",
            ),
            422,
            42201,
        ),
        case(
            "NUL in an Avro schema",
            M::POST,
            "/subjects/s/versions",
            schema("\"string\"\u{0}"),
            422,
            42201,
        ),
        case(
            "NUL in a lookup",
            M::POST,
            "/subjects/s",
            typed("{}\u{0}", "JSON"),
            422,
            42201,
        ),
        case(
            "unknown schema type",
            M::POST,
            "/subjects/s/versions",
            typed("{}", "XML"),
            422,
            42201,
        ),
        case(
            "10k-deep Avro",
            M::POST,
            "/subjects/s/versions",
            schema(deep_avro()),
            422,
            42201,
        ),
        case(
            "10k-deep Avro unions",
            M::POST,
            "/subjects/s/versions",
            schema(format!("{}\"int\"{}", "[".repeat(DEEP), "]".repeat(DEEP))),
            422,
            42201,
        ),
        case(
            "Avro named types nesting past the bound",
            M::POST,
            "/subjects/s/versions",
            schema(named_chain_in_one_document()),
            422,
            42201,
        ),
        case(
            "10k-deep JSON Schema",
            M::POST,
            "/subjects/s/versions",
            typed(deep_json_schema(), "JSON"),
            422,
            42201,
        ),
        case(
            "10k-deep Protobuf",
            M::POST,
            "/subjects/s/versions",
            typed(deep_protobuf(), "PROTOBUF"),
            422,
            42201,
        ),
        case(
            "10k-deep Avro compatibility",
            M::POST,
            "/compatibility/subjects/s/versions",
            schema(deep_avro()),
            422,
            42201,
        ),
        case(
            "10k-deep JSON Schema lookup",
            M::POST,
            "/subjects/s",
            typed(deep_json_schema(), "JSON"),
            422,
            42201,
        ),
        // References.
        case(
            "reference version 0",
            M::POST,
            "/subjects/s/versions",
            referencing("good-value", json!(0)),
            422,
            42201,
        ),
        case(
            "reference version -2",
            M::POST,
            "/subjects/s/versions",
            referencing("good-value", json!(-2)),
            422,
            42201,
        ),
        case(
            "reference version past i32",
            M::POST,
            "/subjects/s/versions",
            referencing("good-value", json!(2_147_483_648_i64)),
            422,
            42201,
        ),
        case(
            "reference to a missing version",
            M::POST,
            "/subjects/s/versions",
            referencing("good-value", json!(99)),
            422,
            42201,
        ),
        case(
            "reference to a missing subject",
            M::POST,
            "/subjects/s/versions",
            referencing("nobody", json!(-1)),
            422,
            42201,
        ),
        case(
            "reference subject with NUL",
            M::POST,
            "/subjects/s/versions",
            referencing("a\u{0}b", json!(1)),
            422,
            42201,
        ),
        case(
            "reference subject empty",
            M::POST,
            "/subjects/s/versions",
            referencing("", json!(1)),
            422,
            42201,
        ),
    ]
}

async fn send(r: &TestRegistry, case: &Case) -> server_common::Answer {
    let mut request = r
        .client
        .request(case.method.clone(), format!("{}{}", r.url, case.path));
    match &case.body {
        Body::None => {}
        Body::Json(value) => {
            request = request
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .body(value.to_string());
        }
        Body::Raw(raw) => {
            request = request
                .header("Content-Type", "application/json")
                .body(raw.clone());
        }
    }
    server_common::answer(request.send().await.expect("HTTP request")).await
}

async fn every_bad_input_gets_its_code_and_the_next_request_works(backend: Backend) {
    let db = TestDb::new(backend).await;
    let r = TestRegistry::start_with(db, |c| c.with_max_body_bytes(BODY_LIMIT)).await;
    let good = json!({ "schema": r#"{"type":"record","name":"Good","fields":[]}"# });
    let good_id = r.post("/subjects/good-value/versions", &good).await.ok()["id"].clone();
    for case in cases() {
        let answer = send(&r, &case).await;
        assert_eq!(
            (answer.status.as_u16(), answer.body["error_code"].as_u64()),
            (case.status, Some(case.error_code)),
            "{}: {}",
            case.what,
            answer.text
        );
        assert_eq!(
            answer.content_type, "application/vnd.schemaregistry.v1+json",
            "{}",
            case.what
        );
        assert!(
            answer.body["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{}: {}",
            case.what,
            answer.text
        );
        // The server serves the next request, and writes still work.
        assert_eq!(
            r.post("/subjects/good-value/versions", &good).await.ok()["id"],
            good_id,
            "after {}",
            case.what
        );
    }
    // Nothing of the bad input was stored.
    assert_eq!(
        r.get("/subjects?deleted=true").await.ok(),
        &json!(["good-value"])
    );
    assert_eq!(r.get("/health").await.ok()["status"], json!("UP"));
    r.finish().await;
}

async fn odd_but_valid_subject_names_work(backend: Backend) {
    let r = TestRegistry::start(backend).await;
    let long = "l".repeat(1024);
    let names = [
        ("a%2Fb", "a/b"),
        ("%E4%B8%BB%E9%A2%98-value", "主题-value"),
        ("%2541", "%41"),
        ("sp%20ace", "sp ace"),
        (long.as_str(), long.as_str()),
    ];
    for (encoded, _) in &names {
        r.register(encoded, "\"string\"", None).await;
        assert_eq!(
            r.get(&format!("/subjects/{encoded}/versions")).await.ok(),
            &json!([1])
        );
    }
    let mut expected: Vec<&str> = names.iter().map(|(_, decoded)| *decoded).collect();
    expected.sort_unstable();
    assert_eq!(r.get("/subjects").await.ok(), &json!(expected));
    r.finish().await;
}

/// JSON Schema `i` of a chain: an object whose `next` is schema `i - 1` by reference.
fn chain_link(i: usize) -> Value {
    if i == 0 {
        return json!({ "schema": r#"{"type":"object"}"#, "schemaType": "JSON" });
    }
    json!({
        "schema": format!(r#"{{"type":"object","properties":{{"next":{{"$ref":"link{}.json"}}}}}}"#, i - 1),
        "schemaType": "JSON",
        "references": [{ "name": format!("link{}.json", i - 1), "subject": format!("link{}", i - 1), "version": 1 }]
    })
}

async fn reference_chains_are_bounded(backend: Backend) {
    use streamhouse_schema::server::MAX_REFERENCE_DEPTH;
    let r = TestRegistry::start(backend).await;
    for i in 0..=MAX_REFERENCE_DEPTH {
        r.post(&format!("/subjects/link{i}/versions"), &chain_link(i))
            .await
            .ok();
    }
    let top = MAX_REFERENCE_DEPTH + 1;
    let answer = r
        .post(&format!("/subjects/link{top}/versions"), &chain_link(top))
        .await;
    answer.assert_error(422, 42201);
    assert!(
        answer
            .text
            .contains(&format!("more than {MAX_REFERENCE_DEPTH} levels")),
        "{}",
        answer.text
    );
    // The longest allowed chain still checks and looks up.
    let last = MAX_REFERENCE_DEPTH;
    assert_eq!(
        r.post(
            &format!("/compatibility/subjects/link{last}/versions/latest"),
            &chain_link(last)
        )
        .await
        .ok(),
        &json!({ "is_compatible": true })
    );
    assert_eq!(
        r.post(&format!("/subjects/link{last}"), &chain_link(last))
            .await
            .ok()["version"],
        json!(1)
    );
    r.finish().await;
}

/// How many arrays each Avro link of the deep chain nests.
const ARRAYS_PER_LINK: usize = 40;

/// Avro schema `i` of a chain: record `Ri` whose field nests `ARRAYS_PER_LINK` arrays of
/// record `R(i-1)`, a referenced schema. Counted with the referenced types expanded, link
/// `i` nests `1 + i * (ARRAYS_PER_LINK + 1)` levels: 124 for link 3, 165 for link 4.
fn avro_link(i: usize) -> Value {
    if i == 0 {
        return json!({ "schema": r#"{"type":"record","name":"R0","fields":[]}"# });
    }
    let nested = format!(
        "{}\"R{}\"{}",
        r#"{"type":"array","items":"#.repeat(ARRAYS_PER_LINK),
        i - 1,
        "}".repeat(ARRAYS_PER_LINK)
    );
    json!({
        "schema": format!(r#"{{"type":"record","name":"R{i}","fields":[{{"name":"next","type":{nested}}}]}}"#),
        "references": [{ "name": format!("R{}", i - 1), "subject": format!("avro{}", i - 1), "version": 1 }]
    })
}

/// Avro named types nest through references only up to `MAX_AVRO_DEPTH` levels; up to
/// there parsing, normalizing, checking and looking up stay within 2 MiB stacks (without
/// the bound, a chain of four 120-level links overflowed them).
async fn avro_nesting_through_references_is_bounded(backend: Backend) {
    use streamhouse_schema::compat::avro::MAX_AVRO_DEPTH;
    let r = TestRegistry::start(backend).await;
    for i in 0..=3 {
        r.post(&format!("/subjects/avro{i}/versions"), &avro_link(i))
            .await
            .ok();
    }
    assert_eq!(
        r.post(
            "/compatibility/subjects/avro3/versions/latest",
            &avro_link(3)
        )
        .await
        .ok(),
        &json!({ "is_compatible": true })
    );
    assert_eq!(
        r.post("/subjects/avro3", &avro_link(3)).await.ok()["version"],
        json!(1)
    );
    let answer = r.post("/subjects/avro4/versions", &avro_link(4)).await;
    answer.assert_error(422, 42201);
    assert!(
        answer
            .text
            .contains(&format!("more than {MAX_AVRO_DEPTH} levels")),
        "{}",
        answer.text
    );
    r.register("after-value", "\"string\"", None).await;
    r.finish().await;
}

/// How deep each JSON Schema link of the deep chain nests `properties` (a document may nest
/// 128 JSON levels; each property level takes two).
const PROPERTIES_PER_LINK: usize = 60;

/// JSON Schema `i` of a deep chain: `PROPERTIES_PER_LINK` nested properties, the innermost
/// a `$ref` to schema `i - 1`.
fn deep_json_link(i: usize) -> Value {
    let inner = if i == 0 {
        r#"{"type":"string"}"#.to_string()
    } else {
        format!(r#"{{"$ref":"deep{}.json"}}"#, i - 1)
    };
    let schema = format!(
        "{}{inner}{}",
        r#"{"type":"object","properties":{"p":"#.repeat(PROPERTIES_PER_LINK),
        "}}".repeat(PROPERTIES_PER_LINK)
    );
    let references = if i == 0 {
        json!([])
    } else {
        json!([{ "name": format!("deep{}.json", i - 1), "subject": format!("deep{}", i - 1), "version": 1 }])
    };
    json!({ "schema": schema, "schemaType": "JSON", "references": references })
}

/// Protobuf file `i` of a chain: `linkI.proto` imports `link(i-1).proto`, and its message
/// holds the previous one inside a few nested messages.
fn proto_link(i: usize) -> Value {
    let (import, field) = if i == 0 {
        (String::new(), "string leaf = 1;".to_string())
    } else {
        (
            format!("import \"link{}.proto\";", i - 1),
            format!("P{} inner = 1;", i - 1),
        )
    };
    let nested = 8;
    let schema = format!(
        "syntax = \"proto3\"; {import} message P{i} {{ {} {field} {} N0 n = 2; }}",
        (0..nested)
            .map(|k| format!("message N{k} {{ "))
            .collect::<String>(),
        "}".repeat(nested)
    );
    let references = if i == 0 {
        json!([])
    } else {
        json!([{ "name": format!("link{}.proto", i - 1), "subject": format!("proto{}", i - 1), "version": 1 }])
    };
    json!({ "schema": schema, "schemaType": "PROTOBUF", "references": references })
}

/// The longest reference chains of deep JSON Schemas and of Protobuf imports: validating,
/// checking and looking up stay within 2 MiB stacks.
async fn deep_json_and_protobuf_reference_chains_stay_within_the_stack(backend: Backend) {
    use streamhouse_schema::server::MAX_REFERENCE_DEPTH;
    let r = TestRegistry::start(backend).await;
    for i in 0..=MAX_REFERENCE_DEPTH {
        r.post(&format!("/subjects/deep{i}/versions"), &deep_json_link(i))
            .await
            .ok();
        r.post(&format!("/subjects/proto{i}/versions"), &proto_link(i))
            .await
            .ok();
    }
    let last = MAX_REFERENCE_DEPTH;
    // The Protobuf chain compares like any schema.
    let proto = proto_link(last);
    assert_eq!(
        r.post(
            &format!("/compatibility/subjects/proto{last}/versions/latest"),
            &proto
        )
        .await
        .ok(),
        &json!({ "is_compatible": true })
    );
    assert_eq!(
        r.post(&format!("/subjects/proto{last}"), &proto).await.ok()["version"],
        json!(1)
    );
    // The JSON chain nests 33 * 60 levels through its `$ref`s: the JSON Schema checker stops
    // at its own depth bound and calls it incompatible, with the reason.
    let json_chain = deep_json_link(last);
    let verdict = r
        .post(
            &format!("/compatibility/subjects/deep{last}/versions/latest?verbose=true"),
            &json_chain,
        )
        .await;
    assert_eq!(verdict.ok()["is_compatible"], json!(false));
    assert!(
        verdict.text.contains("nest deeper than 200 levels"),
        "{}",
        verdict.text
    );
    assert_eq!(
        r.post(&format!("/subjects/deep{last}"), &json_chain)
            .await
            .ok()["version"],
        json!(1)
    );
    r.get(&format!(
        "/subjects/proto{last}/versions/1?format=serialized"
    ))
    .await
    .ok();
    r.finish().await;
}

/// Runs `scenario` on a 2 MiB thread driving a runtime whose workers have 2 MiB stacks.
fn on_small_stacks<F, Fut>(scenario: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(STACK_BYTES)
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(scenario())
        })
        .expect("spawn the test thread")
        .join()
        .expect("the scenario did not panic");
}

macro_rules! on_both_backends_small_stacks {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::on_small_stacks(|| super::$name(super::Backend::Sqlite))
                }
                #[test]
                fn postgres() {
                    super::on_small_stacks(|| super::$name(super::Backend::Postgres))
                }
            }
        )+
    };
}

on_both_backends_small_stacks!(
    every_bad_input_gets_its_code_and_the_next_request_works,
    odd_but_valid_subject_names_work,
    reference_chains_are_bounded,
    avro_nesting_through_references_is_bounded,
    deep_json_and_protobuf_reference_chains_stay_within_the_stack,
);
