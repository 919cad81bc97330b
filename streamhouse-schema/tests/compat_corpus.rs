//! Runs `check_compatibility` over the shared corpus of schema pairs
//! (`tests/fixtures/compat/corpus.json`), the same pairs a compile-time drift check must
//! judge identically.

use serde_json::Value;
use streamhouse_schema::compat::{check_compatibility, CompatibilityLevel};
use streamhouse_schema::schema::SchemaFormat;

const CORPUS: &str = include_str!("fixtures/compat/corpus.json");

/// Avro and JSON schemas are stored as JSON values, Protobuf ones as `.proto` text.
fn schema_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[test]
fn every_corpus_case_gets_its_expected_verdict() {
    let corpus: Value = serde_json::from_str(CORPUS).expect("corpus is JSON");
    let cases = corpus["cases"].as_array().expect("cases array");
    assert!(cases.len() >= 40, "the corpus lost cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let format: SchemaFormat = case["format"]
            .as_str()
            .expect("format")
            .parse()
            .expect("format");
        let level: CompatibilityLevel = case["level"]
            .as_str()
            .expect("level")
            .parse()
            .expect("level");
        let candidate = schema_text(&case["candidate"]);
        let existing: Vec<String> = case["existing"]
            .as_array()
            .expect("existing")
            .iter()
            .map(schema_text)
            .collect();
        let existing: Vec<&str> = existing.iter().map(String::as_str).collect();
        let report = match check_compatibility(format, level, &candidate, &existing) {
            Ok(report) => report,
            Err(e) => {
                failures.push(format!("{name}: error {e}"));
                continue;
            }
        };
        let expected_compatible = case["compatible"].as_bool().expect("compatible");
        let expected_kinds: Vec<&str> = case["kinds"]
            .as_array()
            .expect("kinds")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let kinds: Vec<&str> = report
            .messages
            .iter()
            .filter_map(|m| m.split(' ').next())
            .collect();
        if report.is_compatible() != expected_compatible || kinds != expected_kinds {
            failures.push(format!(
                "{name}: expected compatible={expected_compatible} {expected_kinds:?}, got {:#?}",
                report.messages
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
