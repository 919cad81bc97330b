//! The schema references of a schema file, found in files next to it: where
//! `SchemaExport` writes them, under their reference names. A `.proto` file's imports at
//! their import paths (`billing/v2/Money.proto`), a JSON Schema's `$ref`s to other
//! documents (`com.acme.Currency.json`), an Avro schema's named types it uses without
//! defining them, as `<full name>.avsc`. Each one found is looked up under its subject (the
//! reference name, Confluent's default reference subject naming) to learn its version, so
//! that the registry can resolve the schema when it checks it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use streamhouse_schema::registry::{Schema, SchemaReference, SchemaRegistryClient};
use streamhouse_schema::schema::protobuf::is_builtin_import;
use streamhouse_schema::{ClientError, SchemaFormat};

/// How many schemas one file may refer to, directly or not: a bound on the files read.
const MAX_REFERENCED: usize = 1000;

/// `schema` (read from `file`) with the references its files next to it provide, each
/// looked up under its subject; a referenced file that is not registered there is an error
/// saying how to register it.
pub async fn with_references(
    client: &SchemaRegistryClient,
    file: &Path,
    schema: Schema,
) -> Result<Schema, ClientError> {
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut resolver = Resolver {
        client,
        dir,
        format: schema.schema_type,
        known: Vec::new(),
        visiting: HashSet::new(),
    };
    let references = resolver.references_of(&schema.schema).await?;
    Ok(schema.with_references(references))
}

struct Resolver<'a> {
    client: &'a SchemaRegistryClient,
    dir: PathBuf,
    format: SchemaFormat,
    /// References already looked up, by name.
    known: Vec<SchemaReference>,
    /// Names being resolved: a cycle stops there (the registry reports it).
    visiting: HashSet<String>,
}

impl Resolver<'_> {
    /// The references `text` uses whose files exist, each looked up (after its own).
    async fn references_of(&mut self, text: &str) -> Result<Vec<SchemaReference>, ClientError> {
        let mut references = Vec::new();
        for name in names_used(self.format, text) {
            if let Some(known) = self.known.iter().find(|r| r.name == name) {
                references.push(known.clone());
                continue;
            }
            let path = self.dir.join(match self.format {
                SchemaFormat::Avro => format!("{name}.avsc"),
                SchemaFormat::Json | SchemaFormat::Protobuf => name.clone(),
            });
            // A name with no file next to it is left to the registry to report.
            let Ok(referenced_text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if self.visiting.len() >= MAX_REFERENCED || !self.visiting.insert(name.clone()) {
                continue;
            }
            let own = Box::pin(self.references_of(&referenced_text)).await?;
            let referenced = Schema::new(referenced_text, self.format).with_references(own);
            let version = match self.client.lookup_schema(&name, &referenced).await {
                Ok(found) => found.version,
                Err(error) if error.is_not_found() => {
                    return Err(ClientError::ConfigError(format!(
                        "{} refers to {name:?} ({}), which is not registered under subject {name:?}: register it first (streamhouse register {name} {})",
                        self.format,
                        path.display(),
                        path.display()
                    )))
                }
                Err(error) => return Err(error),
            };
            let reference = SchemaReference::new(&name, &name, version);
            self.known.push(reference.clone());
            references.push(reference);
        }
        Ok(references)
    }
}

/// The reference names `text` uses, in first-use order: imports (not the built-in
/// `google/protobuf/*` and `confluent/*` files), `$ref` documents, Avro names not defined
/// in the text. Text that does not parse uses none (the registry reports it).
fn names_used(format: SchemaFormat, text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut push = |name: String| {
        if !names.contains(&name) {
            names.push(name);
        }
    };
    match format {
        SchemaFormat::Protobuf => {
            for line in text.lines() {
                let Some(rest) = line.trim().strip_prefix("import ") else {
                    continue;
                };
                let rest = rest.trim_start();
                let rest = rest
                    .strip_prefix("public ")
                    .or_else(|| rest.strip_prefix("weak "))
                    .unwrap_or(rest)
                    .trim_start();
                let Some(quoted) = rest.strip_prefix('"') else {
                    continue;
                };
                if let Some((name, _)) = quoted.split_once('"') {
                    if !is_builtin_import(name) {
                        push(name.to_string());
                    }
                }
            }
        }
        SchemaFormat::Json => {
            let Ok(value) = serde_json::from_str::<Value>(text) else {
                return names;
            };
            let mut pending = vec![&value];
            while let Some(value) = pending.pop() {
                match value {
                    Value::Object(map) => {
                        for (key, inner) in map.iter().rev() {
                            match inner {
                                Value::String(target) if key == "$ref" => {
                                    let document = target.split('#').next().unwrap_or("");
                                    if !document.is_empty() {
                                        push(document.to_string());
                                    }
                                }
                                _ => pending.push(inner),
                            }
                        }
                    }
                    Value::Array(items) => pending.extend(items.iter().rev()),
                    _ => {}
                }
            }
        }
        SchemaFormat::Avro => {
            let Ok(value) = serde_json::from_str::<Value>(text) else {
                return names;
            };
            let mut defined = HashSet::new();
            let mut used = Vec::new();
            avro_names(&value, None, &mut defined, &mut used, 0);
            for name in used {
                if !defined.contains(&name) {
                    push(name);
                }
            }
        }
    }
    names
}

const AVRO_PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// How deep [`avro_names`] follows nested schemas; deeper ones are left to the registry,
/// which refuses them.
const MAX_DEPTH: usize = 128;

/// Collects the full names an Avro schema defines and the ones it uses as types, down to
/// [`MAX_DEPTH`] levels of nesting.
fn avro_names(
    value: &Value,
    namespace: Option<&str>,
    defined: &mut HashSet<String>,
    used: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let full = |name: &str, namespace: Option<&str>| match namespace {
        Some(ns) if !name.contains('.') && !ns.is_empty() => format!("{ns}.{name}"),
        _ => name.to_string(),
    };
    match value {
        Value::String(name) if !AVRO_PRIMITIVES.contains(&name.as_str()) => {
            used.push(full(name, namespace));
        }
        Value::Array(branches) => {
            for branch in branches {
                avro_names(branch, namespace, defined, used, depth + 1);
            }
        }
        Value::Object(map) => match map.get("type").and_then(Value::as_str) {
            Some("record" | "error" | "enum" | "fixed") => {
                let name = map.get("name").and_then(Value::as_str).unwrap_or("");
                let own_ns = map.get("namespace").and_then(Value::as_str).or(namespace);
                let full_name = full(name, own_ns);
                let inner_ns = full_name.rsplit_once('.').map(|(ns, _)| ns.to_string());
                defined.insert(full_name);
                for field in map
                    .get("fields")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(ty) = field.get("type") {
                        avro_names(ty, inner_ns.as_deref(), defined, used, depth + 1);
                    }
                }
            }
            Some("array") => {
                if let Some(items) = map.get("items") {
                    avro_names(items, namespace, defined, used, depth + 1);
                }
            }
            Some("map") => {
                if let Some(values) = map.get("values") {
                    avro_names(values, namespace, defined, used, depth + 1);
                }
            }
            _ => {
                if let Some(ty) = map.get("type") {
                    avro_names(ty, namespace, defined, used, depth + 1);
                }
            }
        },
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_used_follow_each_format() {
        let proto = "syntax = \"proto3\";\nimport \"billing/v2/Money.proto\";\nimport public \"fx/Rate.proto\";\nimport \"google/protobuf/timestamp.proto\";\nmessage A {}\n";
        assert_eq!(
            names_used(SchemaFormat::Protobuf, proto),
            ["billing/v2/Money.proto", "fx/Rate.proto"]
        );
        let json = r##"{"properties":{"a":{"$ref":"x.A.json"},"b":{"$ref":"#/$defs/B"},"c":{"items":{"$ref":"x.C.json#/$defs/D"}}}}"##;
        assert_eq!(
            names_used(SchemaFormat::Json, json),
            ["x.A.json", "x.C.json"]
        );
        let avro = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
            {"name":"a","type":"shop.Item"},
            {"name":"b","type":{"type":"array","items":"Status"}},
            {"name":"c","type":["null",{"type":"record","name":"Inline","fields":[]}]},
            {"name":"d","type":"Inline"},
            {"name":"e","type":{"type":"long","logicalType":"timestamp-millis"}}]}"#;
        assert_eq!(
            names_used(SchemaFormat::Avro, avro),
            ["shop.Item", "shop.Status"]
        );
        assert!(names_used(SchemaFormat::Avro, "not json").is_empty());
    }
}
