//! Compatibility verdicts in Confluent's words: the `messages` of
//! `POST /compatibility/...?verbose=true` and the details of a 409 on registration.
//!
//! Like Confluent, the versions are checked newest first and the first one that fails is
//! reported: one `{errorType:'RULE', description:'...'}` entry per problem (naming the rule,
//! the path in the reading schema and the field or type), then `{oldSchemaVersion: N}`,
//! `{oldSchema: '...'}` and `{compatibility: 'LEVEL'}`.

use crate::compat::{find_incompatibilities, CompatibilityLevel, Direction, Finding, ParsedSchema};

/// A stored version the candidate is checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedVersion<'a> {
    /// Its version number under the subject.
    pub(crate) version: i64,
    /// Its schema text as stored.
    pub(crate) text: &'a str,
}

/// Why `candidate` breaks `level` against `existing` (oldest first, parsed, with `versions`
/// describing the same schemas in the same order); empty when it does not.
pub(crate) fn incompatibility_messages(
    level: CompatibilityLevel,
    candidate: &ParsedSchema,
    existing: &[ParsedSchema],
    versions: &[CheckedVersion<'_>],
) -> Vec<String> {
    let findings = find_incompatibilities(level, candidate, existing);
    let Some(failing) = findings.iter().map(|f| f.existing_index).max() else {
        return Vec::new();
    };
    let mut messages: Vec<String> = findings
        .iter()
        .filter(|f| f.existing_index == failing)
        .map(describe)
        .collect();
    if let Some(old) = versions.get(failing) {
        messages.push(format!("{{oldSchemaVersion: {}}}", old.version));
        messages.push(format!("{{oldSchema: '{}'}}", old.text));
    }
    messages.push(format!("{{compatibility: '{level}'}}"));
    messages
}

/// One problem as Confluent prints it.
fn describe(finding: &Finding) -> String {
    let (reader, writer) = match finding.direction {
        Direction::NewReadsExisting => ("new", "old"),
        Direction::ExistingReadsNew => ("old", "new"),
    };
    let problem = &finding.incompatibility;
    let path = if problem.path.is_empty() {
        "/"
    } else {
        problem.path.as_str()
    };
    format!(
        "{{errorType:'{}', description:'The {reader} schema cannot read data written with the \
         {writer} schema at path '{path}': {}'}}",
        problem.kind, problem.message
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat::parse_schema;
    use crate::schema::SchemaFormat;

    fn avro(fields: &str) -> String {
        format!(r#"{{"type":"record","name":"R","fields":[{fields}]}}"#)
    }

    #[test]
    fn one_entry_per_problem_then_version_schema_and_level() {
        let v1 = avro(r#"{"name":"a","type":"int"}"#);
        let v2 = avro(r#"{"name":"a","type":"string"},{"name":"b","type":"long"}"#);
        let existing = [parse_schema(SchemaFormat::Avro, &v1).unwrap()];
        let candidate = parse_schema(SchemaFormat::Avro, &v2).unwrap();
        let versions = [CheckedVersion {
            version: 4,
            text: &v1,
        }];
        let messages = incompatibility_messages(
            CompatibilityLevel::Backward,
            &candidate,
            &existing,
            &versions,
        );
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert!(
            messages[0].starts_with(
                "{errorType:'TYPE_MISMATCH', description:'The new schema cannot read data \
                 written with the old schema at path '/fields/a': "
            ),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].starts_with(
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The new schema \
                 cannot read data written with the old schema at path '/fields/b': "
            ),
            "{}",
            messages[1]
        );
        assert!(messages[1].contains("'b'"), "{}", messages[1]);
        assert_eq!(messages[2], "{oldSchemaVersion: 4}");
        assert_eq!(messages[3], format!("{{oldSchema: '{v1}'}}"));
        assert_eq!(messages[4], "{compatibility: 'BACKWARD'}");
    }

    #[test]
    fn transitive_checks_report_the_newest_failing_version_and_forward_wording() {
        let v1 = avro(r#"{"name":"a","type":"int"}"#);
        let v2 = avro(r#"{"name":"a","type":"int"},{"name":"b","type":"int","default":0}"#);
        // Dropping `a` (no default in the old schemas) breaks FORWARD against both versions.
        let v3 = avro(r#"{"name":"b","type":"int","default":0}"#);
        let existing = [
            parse_schema(SchemaFormat::Avro, &v1).unwrap(),
            parse_schema(SchemaFormat::Avro, &v2).unwrap(),
        ];
        let candidate = parse_schema(SchemaFormat::Avro, &v3).unwrap();
        let versions = [
            CheckedVersion {
                version: 1,
                text: &v1,
            },
            CheckedVersion {
                version: 2,
                text: &v2,
            },
        ];
        let messages = incompatibility_messages(
            CompatibilityLevel::ForwardTransitive,
            &candidate,
            &existing,
            &versions,
        );
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(
            messages[0].starts_with(
                "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The old schema \
                 cannot read data written with the new schema at path '/fields/a': "
            ),
            "{}",
            messages[0]
        );
        assert_eq!(messages[1], "{oldSchemaVersion: 2}");
        assert_eq!(messages[3], "{compatibility: 'FORWARD_TRANSITIVE'}");
    }

    #[test]
    fn compatible_and_none_give_no_messages() {
        let v1 = avro(r#"{"name":"a","type":"int"}"#);
        let v2 = avro(r#"{"name":"a","type":"long"}"#);
        let existing = [parse_schema(SchemaFormat::Avro, &v1).unwrap()];
        let candidate = parse_schema(SchemaFormat::Avro, &v2).unwrap();
        let versions = [CheckedVersion {
            version: 1,
            text: &v1,
        }];
        for level in [CompatibilityLevel::Backward, CompatibilityLevel::None] {
            assert!(
                incompatibility_messages(level, &candidate, &existing, &versions).is_empty(),
                "{level}"
            );
        }
        assert_eq!(
            incompatibility_messages(
                CompatibilityLevel::Forward,
                &candidate,
                &existing,
                &versions
            )
            .len(),
            4
        );
    }
}
