//! The Avro view of a [`TypeModel`]: schema JSON, parsed schema, canonical form, fingerprint.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::model::{Def, Field, Ty, TypeModel};

/// The property Confluent's Avro and JSON Schema support reads a field's tags from
/// (`AvroSchema.TAGS` and `JsonSchema.TAGS` in Confluent's schema-registry).
pub const TAGS_PROPERTY: &str = "confluent:tags";

/// Emits the Avro schema of `model` as JSON, with docs, defaults and aliases.
///
/// Each named type is defined at its first use and referred to by name afterwards.
pub fn to_avro_json(model: &TypeModel) -> Value {
    let mut e = Emitter {
        model,
        defined: HashSet::new(),
        references: HashSet::new(),
    };
    e.ty(&model.root, None)
}

/// Emits the Avro schema of the named type `root` of `model` (one of its
/// [`references`](TypeModel::references); `None`: the model's root) as it is registered
/// with references: every
/// other type of `model.references` is named by its full name only, its definition being
/// the schema registered under its own subject (as Confluent's Avro references work: the
/// referenced schemas are parsed first, so their names are known).
pub fn to_avro_json_referencing(model: &TypeModel, root: Option<&str>) -> Value {
    let mut e = Emitter {
        model,
        defined: HashSet::new(),
        references: model
            .references
            .iter()
            .map(String::as_str)
            .filter(|name| Some(*name) != root)
            .collect(),
    };
    match root {
        Some(root) => e.ty(&Ty::Named(root.to_string()), None),
        None => e.ty(&model.root, None),
    }
}

struct Emitter<'a> {
    model: &'a TypeModel,
    defined: HashSet<String>,
    /// Named types written by full name only (defined in schemas of their own).
    references: HashSet<&'a str>,
}

fn split(full_name: &str) -> (Option<&str>, &str) {
    match full_name.rsplit_once('.') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, full_name),
    }
}

impl Emitter<'_> {
    /// The name header of a named type defined inside namespace `enclosing`.
    fn name_fields(obj: &mut Map<String, Value>, full_name: &str, enclosing: Option<&str>) {
        let (ns, name) = split(full_name);
        obj.insert("name".into(), name.into());
        if ns != enclosing {
            obj.insert("namespace".into(), ns.unwrap_or("").into());
        }
    }

    /// A reference to an already defined named type.
    fn reference(full_name: &str, enclosing: Option<&str>) -> Value {
        let (ns, name) = split(full_name);
        if ns == enclosing {
            name.into()
        } else {
            full_name.into()
        }
    }

    fn first_use(&mut self, full_name: &str) -> bool {
        self.defined.insert(full_name.to_string())
    }

    fn ty(&mut self, ty: &Ty, ns: Option<&str>) -> Value {
        match ty {
            Ty::Null => "null".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Int(_) => "int".into(),
            Ty::Long(_) => "long".into(),
            Ty::Float => "float".into(),
            Ty::Double => "double".into(),
            Ty::String => "string".into(),
            Ty::Bytes => "bytes".into(),
            Ty::Uuid => json!({"type": "string", "logicalType": "uuid"}),
            Ty::Date => json!({"type": "int", "logicalType": "date"}),
            Ty::TimeMillis => json!({"type": "int", "logicalType": "time-millis"}),
            Ty::TimeMicros => json!({"type": "long", "logicalType": "time-micros"}),
            Ty::TimestampMillis => json!({"type": "long", "logicalType": "timestamp-millis"}),
            Ty::TimestampMicros => json!({"type": "long", "logicalType": "timestamp-micros"}),
            Ty::LocalTimestampMillis => {
                json!({"type": "long", "logicalType": "local-timestamp-millis"})
            }
            Ty::LocalTimestampMicros => {
                json!({"type": "long", "logicalType": "local-timestamp-micros"})
            }
            Ty::Fixed { full_name, size } => {
                if !self.first_use(full_name) {
                    return Self::reference(full_name, ns);
                }
                let mut o = Map::new();
                o.insert("type".into(), "fixed".into());
                Self::name_fields(&mut o, full_name, ns);
                o.insert("size".into(), (*size).into());
                Value::Object(o)
            }
            Ty::Decimal {
                precision,
                scale,
                fixed: None,
            } => json!({
                "type": "bytes", "logicalType": "decimal", "precision": precision, "scale": scale
            }),
            Ty::Decimal {
                precision,
                scale,
                fixed: Some((full_name, size)),
            } => {
                if !self.first_use(full_name) {
                    return Self::reference(full_name, ns);
                }
                let mut o = Map::new();
                o.insert("type".into(), "fixed".into());
                Self::name_fields(&mut o, full_name, ns);
                o.insert("size".into(), (*size).into());
                o.insert("logicalType".into(), "decimal".into());
                o.insert("precision".into(), (*precision).into());
                o.insert("scale".into(), (*scale).into());
                Value::Object(o)
            }
            Ty::Array(items) => json!({"type": "array", "items": self.ty(items, ns)}),
            Ty::Map(values) => json!({"type": "map", "values": self.ty(values, ns)}),
            Ty::Optional { inner, null_first } => {
                let mut branches = match self.ty(inner, ns) {
                    Value::Array(b) => b,
                    other => vec![other],
                };
                if *null_first {
                    branches.insert(0, "null".into());
                } else {
                    branches.push("null".into());
                }
                Value::Array(branches)
            }
            Ty::Named(full_name) => self.named(full_name, ns),
        }
    }

    fn named(&mut self, full_name: &str, ns: Option<&str>) -> Value {
        if self.references.contains(full_name) {
            return full_name.into();
        }
        let model = self.model;
        let Some(def) = model.def(full_name) else {
            // A model always defines what it names; a reference keeps the output parseable
            // for the error to surface in `Schema::parse`.
            return Self::reference(full_name, ns);
        };
        if let Def::Union(u) = def {
            // Avro unions are anonymous: every use spells out the branches.
            let own_ns = split(&u.full_name).0;
            return Value::Array(u.variants.iter().map(|v| self.ty(&v.ty, own_ns)).collect());
        }
        if !self.first_use(full_name) {
            return Self::reference(full_name, ns);
        }
        let (own_ns, _) = split(full_name);
        let mut o = Map::new();
        match def {
            Def::Record(r) => {
                o.insert("type".into(), "record".into());
                Self::name_fields(&mut o, full_name, ns);
                if let Some(doc) = &r.doc {
                    o.insert("doc".into(), doc.as_str().into());
                }
                if !r.aliases.is_empty() {
                    o.insert("aliases".into(), r.aliases.clone().into());
                }
                let fields: Vec<Value> = r.fields.iter().map(|f| self.field(f, own_ns)).collect();
                o.insert("fields".into(), fields.into());
            }
            Def::Enum(e) => {
                o.insert("type".into(), "enum".into());
                Self::name_fields(&mut o, full_name, ns);
                if let Some(doc) = &e.doc {
                    o.insert("doc".into(), doc.as_str().into());
                }
                if !e.aliases.is_empty() {
                    o.insert("aliases".into(), e.aliases.clone().into());
                }
                o.insert("symbols".into(), e.symbols.clone().into());
                if let Some(d) = &e.default {
                    o.insert("default".into(), d.as_str().into());
                }
            }
            Def::Union(_) => {}
        }
        Value::Object(o)
    }

    fn field(&mut self, f: &Field, ns: Option<&str>) -> Value {
        let mut o = Map::new();
        o.insert("name".into(), f.name.as_str().into());
        o.insert("type".into(), self.ty(&f.ty, ns));
        if let Some(doc) = &f.doc {
            o.insert("doc".into(), doc.as_str().into());
        }
        if let Some(d) = &f.default {
            o.insert("default".into(), d.clone());
        }
        if !f.aliases.is_empty() {
            o.insert("aliases".into(), f.aliases.clone().into());
        }
        // Confluent's inline field tags (`AvroSchema.TAGS`, "confluent:tags": a field
        // property, which the Parsing Canonical Form leaves out).
        if !f.tags.is_empty() {
            o.insert(TAGS_PROPERTY.into(), f.tags.clone().into());
        }
        Value::Object(o)
    }
}

/// The Parsing Canonical Form of an Avro schema given as JSON, per the Avro specification
/// (what Java's `SchemaNormalization.toParsingForm` produces).
///
/// Written here because apache-avro 0.22 keeps logical-type primitives as objects
/// (`{"type":"long"}` instead of `"long"`), which changes fingerprints.
pub fn parsing_canonical_form(schema: &Value) -> String {
    let mut out = String::new();
    let mut defined = HashSet::new();
    pcf(schema, None, &mut defined, &mut out);
    out
}

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

fn full_name(name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) if !name.contains('.') && !ns.is_empty() => format!("{ns}.{name}"),
        _ => name.to_string(),
    }
}

fn quoted(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

fn pcf(v: &Value, ns: Option<&str>, defined: &mut HashSet<String>, out: &mut String) {
    match v {
        Value::String(s) if PRIMITIVES.contains(&s.as_str()) => out.push_str(&quoted(s)),
        Value::String(s) => out.push_str(&quoted(&full_name(s, ns))),
        Value::Array(branches) => {
            out.push('[');
            for (i, b) in branches.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pcf(b, ns, defined, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            let ty = o.get("type");
            match ty.and_then(Value::as_str) {
                Some(t @ ("record" | "error" | "enum" | "fixed")) => {
                    let name = o.get("name").and_then(Value::as_str).unwrap_or("");
                    let own_ns = o.get("namespace").and_then(Value::as_str).or(ns);
                    let full = full_name(name, own_ns);
                    if !defined.insert(full.clone()) {
                        out.push_str(&quoted(&full));
                        return;
                    }
                    let inner_ns = full.rsplit_once('.').map(|(n, _)| n.to_string());
                    let t = if t == "error" { "record" } else { t };
                    out.push_str(&format!(
                        "{{\"name\":{},\"type\":{}",
                        quoted(&full),
                        quoted(t)
                    ));
                    if let Some(Value::Array(fields)) = o.get("fields") {
                        out.push_str(",\"fields\":[");
                        for (i, f) in fields.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            let fname = f.get("name").and_then(Value::as_str).unwrap_or("");
                            out.push_str(&format!("{{\"name\":{},\"type\":", quoted(fname)));
                            pcf(
                                f.get("type").unwrap_or(&Value::Null),
                                inner_ns.as_deref(),
                                defined,
                                out,
                            );
                            out.push('}');
                        }
                        out.push(']');
                    }
                    if let Some(Value::Array(symbols)) = o.get("symbols") {
                        out.push_str(",\"symbols\":");
                        out.push_str(&Value::Array(symbols.clone()).to_string());
                    }
                    if let Some(size) = o.get("size") {
                        out.push_str(&format!(",\"size\":{size}"));
                    }
                    out.push('}');
                }
                Some("array") => {
                    out.push_str("{\"type\":\"array\",\"items\":");
                    pcf(o.get("items").unwrap_or(&Value::Null), ns, defined, out);
                    out.push('}');
                }
                Some("map") => {
                    out.push_str("{\"type\":\"map\",\"values\":");
                    pcf(o.get("values").unwrap_or(&Value::Null), ns, defined, out);
                    out.push('}');
                }
                // A primitive with attributes (logicalType, ...) or a named reference.
                Some(_) | None => pcf(ty.unwrap_or(&Value::Null), ns, defined, out),
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The CRC-64-AVRO (Rabin) fingerprint of a Parsing Canonical Form, as Avro's
/// `SchemaNormalization.parsingFingerprint64` computes it.
pub const fn rabin_fingerprint(canonical_form: &[u8]) -> u64 {
    const EMPTY: u64 = 0xc15d_213a_a4d7_a795;
    let mut fp = EMPTY;
    let mut i = 0;
    while i < canonical_form.len() {
        fp = (fp >> 8) ^ RABIN_TABLE[((fp ^ canonical_form[i] as u64) & 0xff) as usize];
        i += 1;
    }
    fp
}

const RABIN_TABLE: [u64; 256] = {
    const EMPTY: u64 = 0xc15d_213a_a4d7_a795;
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut fp = i as u64;
        let mut j = 0;
        while j < 8 {
            fp = (fp >> 1) ^ (EMPTY & (0u64.wrapping_sub(fp & 1)));
            j += 1;
        }
        table[i] = fp;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_follows_the_specification() {
        let schema = json!({
            "type": "record", "name": "Order", "namespace": "com.acme", "doc": "dropped",
            "fields": [
                {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "doc": "x"},
                {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["A", "B"], "default": "A"}},
                {"name": "again", "type": "Status"},
                {"name": "other", "type": ["null", {"type": "fixed", "name": "x.Hash", "size": 4}], "default": null},
                {"name": "m", "type": {"type": "map", "values": {"type": "array", "items": "x.Hash"}}}
            ]
        });
        assert_eq!(
            parsing_canonical_form(&schema),
            r#"{"name":"com.acme.Order","type":"record","fields":[{"name":"at","type":"long"},{"name":"status","type":{"name":"com.acme.Status","type":"enum","symbols":["A","B"]}},{"name":"again","type":"com.acme.Status"},{"name":"other","type":["null",{"name":"x.Hash","type":"fixed","size":4}]},{"name":"m","type":{"type":"map","values":{"type":"array","items":"x.Hash"}}}]}"#
        );
    }

    #[test]
    fn canonical_form_agrees_with_apache_avro_without_logical_types() {
        let text = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":["null","string"],"default":null},{"name":"b","type":{"type":"array","items":{"type":"record","name":"S","fields":[{"name":"x","type":"int"}]}}},{"name":"c","type":"S"}]}"#;
        let ours = parsing_canonical_form(&serde_json::from_str(text).unwrap());
        assert_eq!(
            ours,
            apache_avro::Schema::parse_str(text)
                .unwrap()
                .canonical_form()
        );
    }

    #[test]
    fn rabin_matches_apache_avro() {
        for text in [
            r#""int""#,
            r#"{"name":"a.B","type":"record","fields":[]}"#,
            r#"{"type":"array","items":"string"}"#,
        ] {
            let schema = apache_avro::Schema::parse_str(text).unwrap();
            let pcf = schema.canonical_form();
            let theirs = schema.fingerprint::<apache_avro::rabin::Rabin>();
            assert_eq!(
                rabin_fingerprint(pcf.as_bytes()).to_le_bytes().as_slice(),
                theirs.bytes.as_slice(),
                "{pcf}"
            );
        }
    }
}
