//! Subject name strategies: which registry subject a topic's key or value schema lives under.

use crate::schema::SchemaFormat;

/// How the producer names the subject it registers a schema under, as Confluent's
/// `key.subject.name.strategy` / `value.subject.name.strategy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SubjectNameStrategy {
    /// `{topic}-value` / `{topic}-key` (Confluent's classic default): one schema lineage per
    /// topic.
    #[default]
    TopicName,
    /// The record's full name (`com.acme.Order`): one lineage per type, across topics.
    RecordName,
    /// `{topic}-{full name}`: one lineage per type per topic.
    TopicRecordName,
}

/// Why no subject could be named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {strategy:?} subject strategy needs a record name, but {reason}")]
pub struct SubjectNameError {
    /// The strategy that needed the name.
    pub strategy: SubjectNameStrategy,
    /// Why the schema has none.
    pub reason: String,
}

impl SubjectNameStrategy {
    /// The subject for `topic`'s key (`is_key`) or value schema whose record is
    /// `record_name`.
    ///
    /// ```
    /// use streamhouse_schema::producer::SubjectNameStrategy;
    /// let order = Some("com.acme.Order");
    /// assert_eq!(SubjectNameStrategy::TopicName.subject("orders", false, order).unwrap(), "orders-value");
    /// assert_eq!(SubjectNameStrategy::TopicName.subject("orders", true, order).unwrap(), "orders-key");
    /// assert_eq!(SubjectNameStrategy::RecordName.subject("orders", false, order).unwrap(), "com.acme.Order");
    /// assert_eq!(
    ///     SubjectNameStrategy::TopicRecordName.subject("orders", false, order).unwrap(),
    ///     "orders-com.acme.Order"
    /// );
    /// ```
    pub fn subject(
        self,
        topic: &str,
        is_key: bool,
        record_name: Option<&str>,
    ) -> Result<String, SubjectNameError> {
        let record = || {
            record_name.ok_or_else(|| SubjectNameError {
                strategy: self,
                reason: "the schema does not name a record".to_string(),
            })
        };
        Ok(match self {
            SubjectNameStrategy::TopicName => {
                format!("{topic}-{}", if is_key { "key" } else { "value" })
            }
            SubjectNameStrategy::RecordName => record()?.to_string(),
            SubjectNameStrategy::TopicRecordName => format!("{topic}-{}", record()?),
        })
    }

    /// Whether the subject depends on the record's name (so it must be found in the schema).
    pub fn needs_record_name(self) -> bool {
        !matches!(self, SubjectNameStrategy::TopicName)
    }
}

/// The record name a raw schema text declares, as Confluent's record-name strategies read
/// it: Avro `namespace.name` of a named type, the JSON Schema `title`, or the Protobuf
/// `package.Message` of the first message.
pub fn record_name_of(schema: &str, format: SchemaFormat) -> Result<String, String> {
    match format {
        SchemaFormat::Avro => avro_record_name(schema),
        SchemaFormat::Json => json_schema_title(schema),
        SchemaFormat::Protobuf => protobuf_first_message(schema),
    }
}

fn avro_record_name(schema: &str) -> Result<String, String> {
    let json: serde_json::Value = serde_json::from_str(schema)
        .map_err(|e| format!("the Avro schema is not valid JSON: {e}"))?;
    let name = json
        .get("name")
        .and_then(|n| n.as_str())
        .ok_or_else(|| "the Avro schema is not a named type (record, enum or fixed)".to_string())?;
    // A dotted name is already a full name; otherwise the namespace (if any) qualifies it.
    match json.get("namespace").and_then(|n| n.as_str()) {
        Some(namespace) if !name.contains('.') && !namespace.is_empty() => {
            Ok(format!("{namespace}.{name}"))
        }
        _ => Ok(name.to_string()),
    }
}

fn json_schema_title(schema: &str) -> Result<String, String> {
    let json: serde_json::Value = serde_json::from_str(schema)
        .map_err(|e| format!("the JSON Schema is not valid JSON: {e}"))?;
    json.get("title")
        .and_then(|t| t.as_str())
        .map(str::to_string)
        .ok_or_else(|| "the JSON Schema has no \"title\"".to_string())
}

/// Scans `.proto` text for `package` and the first top-level `message`, ignoring comments.
fn protobuf_first_message(schema: &str) -> Result<String, String> {
    let text = strip_proto_comments(schema);
    let mut package: Option<&str> = None;
    let mut depth = 0_usize;
    let mut tokens = text
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|t| !t.is_empty())
        .peekable();
    while let Some(token) = tokens.next() {
        match token {
            "package" if depth == 0 => package = tokens.next(),
            "message" if depth == 0 => {
                let Some(name) = tokens.next() else { break };
                let name = name.split('{').next().unwrap_or(name);
                return Ok(match package {
                    Some(package) => format!("{package}.{name}"),
                    None => name.to_string(),
                });
            }
            _ => {
                depth += token.matches('{').count();
                depth = depth.saturating_sub(token.matches('}').count());
            }
        }
    }
    Err("the Protobuf schema declares no top-level message".to_string())
}

/// Removes `//` and `/* */` comments (string literals in options are rare enough in the
/// places scanned here that they are not special-cased).
fn strip_proto_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
            out.push(' ');
        } else {
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                out.push(c);
            }
            rest = chars.as_str();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_name_strategy_ignores_the_record() {
        assert_eq!(
            SubjectNameStrategy::TopicName.subject("t", false, None),
            Ok("t-value".to_string())
        );
        assert_eq!(
            SubjectNameStrategy::TopicName.subject("t", true, None),
            Ok("t-key".to_string())
        );
    }

    #[test]
    fn record_strategies_need_a_record_name() {
        for strategy in [
            SubjectNameStrategy::RecordName,
            SubjectNameStrategy::TopicRecordName,
        ] {
            let error = strategy.subject("t", false, None);
            assert_eq!(
                error,
                Err(SubjectNameError {
                    strategy,
                    reason: "the schema does not name a record".to_string()
                })
            );
            assert!(strategy.needs_record_name());
        }
        assert_eq!(
            SubjectNameStrategy::TopicRecordName.subject("t", true, Some("a.B")),
            Ok("t-a.B".to_string())
        );
    }

    #[test]
    fn avro_record_names_are_full_names() {
        let cases = [
            (
                r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[]}"#,
                "com.acme.Order",
            ),
            (r#"{"type":"record","name":"Order","fields":[]}"#, "Order"),
            (
                r#"{"type":"record","name":"x.y.Order","namespace":"ignored","fields":[]}"#,
                "x.y.Order",
            ),
            (
                r#"{"type":"enum","name":"Color","namespace":"c","symbols":["R"]}"#,
                "c.Color",
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(
                record_name_of(schema, SchemaFormat::Avro),
                Ok(expected.to_string())
            );
        }
        assert!(record_name_of(r#""string""#, SchemaFormat::Avro).is_err());
        assert!(record_name_of("{not json", SchemaFormat::Avro).is_err());
    }

    #[test]
    fn json_schema_record_name_is_the_title() {
        assert_eq!(
            record_name_of(r#"{"title":"Order","type":"object"}"#, SchemaFormat::Json),
            Ok("Order".to_string())
        );
        assert_eq!(
            record_name_of(r#"{"type":"object"}"#, SchemaFormat::Json),
            Err("the JSON Schema has no \"title\"".to_string())
        );
    }

    #[test]
    fn protobuf_record_name_is_the_first_top_level_message() {
        let proto = "syntax = \"proto3\";\n// message Commented {}\npackage com.acme;\n/* message Block {} */\nmessage Order {\n  message Line { string sku = 1; }\n  Line line = 1;\n}\nmessage Other {}\n";
        assert_eq!(
            record_name_of(proto, SchemaFormat::Protobuf),
            Ok("com.acme.Order".to_string())
        );
        assert_eq!(
            record_name_of(
                "syntax = \"proto3\";\nmessage Bare{}",
                SchemaFormat::Protobuf
            ),
            Ok("Bare".to_string())
        );
        assert!(record_name_of("syntax = \"proto3\";", SchemaFormat::Protobuf).is_err());
    }
}
