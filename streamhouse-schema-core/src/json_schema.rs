//! The JSON Schema view of a [`TypeModel`]: what the JSON codec writes, in draft 2020-12
//! (the default) or draft-07. It lives here, next to the Avro emitter, so that the derive's
//! compile-time pins (`pin = "....json"`) check exactly the document the runtime registers
//! (`streamhouse_schema::schema::json` wraps it in a `schemars::Schema`).
//!
//! - The root type is inline with `title` (the type's name) and `description` (its docs);
//!   every other named type is in `$defs` (`definitions` in draft-07), keyed by its full
//!   name and referred to with `$ref`; a reference back to the root is `{"$ref": "#"}`.
//!   A root that is not a named type (a newtype over a map, a sequence or a scalar) takes
//!   the `title` its caller gives ([`to_json_schema_titled`]: the derive passes the
//!   newtype's name).
//! - `title` is the unqualified name, without the namespace, as Confluent's Java serializer
//!   writes it: `JsonSchemaUtils.getSchema` generates schemas with mbknor-jackson-jsonSchema,
//!   whose `JsonSchemaGenerator.generateJsonSchema` titles the root with
//!   `javaType.getRawClass.getSimpleName` (no package); `JsonSchema.name()` returns that
//!   `title`, and record-name subject strategies use it. The Java generator also splits a
//!   camel-case class name into words (`OldWidget` → `Old Widget`,
//!   `generateTitleFromPropertyName`); this emitter keeps the name as written, so that the
//!   title is the same name the Avro and Protobuf views use (`#[stream_schema(name = ...)]`
//!   sets all three, as `@JsonSchemaTitle` sets Java's).
//! - Records are objects with `properties` in declaration order. A field is `required`
//!   unless it has a default the JSON codec can fill in: an `Option` (default `null`) or an
//!   explicit `default = ...` of a type whose default has a JSON spelling (not logical
//!   types, decimals or data enums). `additionalProperties` is left open (the decoder
//!   skips unknown fields) unless the type says `#[stream_schema(additional_properties =
//!   false)]`.
//! - Unit enums are `{"type": "string", "enum": [...]}`. Data enums are a `oneOf` of
//!   externally tagged variants, `"Variant"` for a unit variant and `{"Variant": value}`
//!   otherwise: also for `untagged` enums, whose bare Avro/Protobuf branches could be
//!   ambiguous in JSON (a string and a uuid, an int and a long).
//! - Maps are objects with `additionalProperties`; bytes and fixed are base64 strings
//!   (`contentEncoding: base64`); integers carry their Rust type's bounds; uuid, date,
//!   time and timestamps use `format` (`uuid`, `date`, `time`, `date-time`; draft-07, which
//!   has no `uuid` format, also gets a `pattern`); local
//!   timestamps (no offset) and decimals are strings with a `pattern` (decimals as strings
//!   keep every digit, which JSON numbers do not promise).

use std::collections::HashSet;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::model::{Def, Field, IntKind, RecordDef, Ty, TypeModel, UnionDef};

/// The JSON Schema dialect to emit. Confluent registries accept both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum JsonSchemaDraft {
    /// Draft 2020-12 (`$defs`).
    #[default]
    Draft2020_12,
    /// Draft-07 (`definitions`).
    Draft07,
}

impl JsonSchemaDraft {
    /// The `$schema` URI of the dialect.
    pub fn meta_schema(self) -> &'static str {
        match self {
            JsonSchemaDraft::Draft2020_12 => "https://json-schema.org/draft/2020-12/schema",
            JsonSchemaDraft::Draft07 => "http://json-schema.org/draft-07/schema#",
        }
    }

    fn defs_keyword(self) -> &'static str {
        match self {
            JsonSchemaDraft::Draft2020_12 => "$defs",
            JsonSchemaDraft::Draft07 => "definitions",
        }
    }
}

/// The local name of a full name (`com.acme.Order` → `Order`).
fn short_name(full_name: &str) -> &str {
    full_name.rsplit_once('.').map_or(full_name, |(_, n)| n)
}

/// Emits the JSON Schema of `model` in `draft`.
pub fn to_json_schema(model: &TypeModel, draft: JsonSchemaDraft) -> Value {
    Value::Object(to_json_schema_object(model, draft))
}

/// [`to_json_schema`] as the JSON object it always is.
pub fn to_json_schema_object(model: &TypeModel, draft: JsonSchemaDraft) -> Map<String, Value> {
    to_json_schema_titled(model, draft, None)
}

/// [`to_json_schema_object`], with `title` for a root that is not a named type (a named
/// root's title is its own name, whatever `title` says). The derive passes the type's
/// name, so that a newtype over a map or a scalar is titled like a struct.
pub fn to_json_schema_titled(
    model: &TypeModel,
    draft: JsonSchemaDraft,
    title: Option<&str>,
) -> Map<String, Value> {
    emit(model, draft, title, model.root_name(), HashSet::new())
}

/// The reference name (the `$ref` target and the registry reference's `name`) of the
/// JSON Schema of the named type `full_name` registered on its own: `com.acme.LineItem.json`.
/// Confluent's JSON Schema support resolves a `$ref` by looking its URI up among the
/// references' names (`JsonSchema.loadLatestSchema` maps each reference name to its
/// schema), and the default reference subject name strategy registers it under that name.
pub fn reference_name(full_name: &str) -> String {
    format!("{full_name}.json")
}

/// Emits the JSON Schema of the named type `root` of `model` (one of its
/// [`references`](TypeModel::references); `None`: the model's root, titled as
/// [`to_json_schema_titled`] titles it) as it is registered with references: every other
/// type of `model.references` is `{"$ref": "<full name>.json"}` ([`reference_name`]), its
/// definition being the schema registered under that name.
pub fn to_json_schema_referencing(
    model: &TypeModel,
    draft: JsonSchemaDraft,
    title: Option<&str>,
    root: Option<&str>,
) -> Map<String, Value> {
    let references = model
        .references
        .iter()
        .map(String::as_str)
        .filter(|name| Some(*name) != root)
        .collect();
    match root {
        Some(root) => emit(model, draft, None, Some(root), references),
        None => emit(model, draft, title, model.root_name(), references),
    }
}

fn emit<'a>(
    model: &'a TypeModel,
    draft: JsonSchemaDraft,
    title: Option<&str>,
    root_name: Option<&'a str>,
    references: HashSet<&'a str>,
) -> Map<String, Value> {
    let mut e = Emitter {
        model,
        draft,
        root: root_name,
        queued: HashSet::new(),
        queue: Vec::new(),
        references,
    };
    let mut root = Map::new();
    root.insert("$schema".into(), draft.meta_schema().into());
    let body = match root_name.and_then(|n| model.def(n)) {
        Some(def) => e.def(def),
        None => {
            if let Some(t) = title {
                root.insert("title".into(), short_name(t).into());
            }
            e.ty(&model.root)
        }
    };
    root.extend(body);
    let mut defs = Map::new();
    let mut next = 0;
    while let Some(name) = e.queue.get(next).cloned() {
        next += 1;
        if let Some(def) = model.def(&name) {
            let body = e.def(def);
            defs.insert(name, Value::Object(body));
        }
    }
    if !defs.is_empty() {
        root.insert(draft.defs_keyword().into(), Value::Object(defs));
    }
    root
}

struct Emitter<'a> {
    model: &'a TypeModel,
    draft: JsonSchemaDraft,
    root: Option<&'a str>,
    queued: HashSet<String>,
    queue: Vec<String>,
    /// Named types referred to as schemas of their own (`$ref` to their reference name).
    references: HashSet<&'a str>,
}

/// Escapes a `$defs` key for use in a JSON Pointer (RFC 6901).
fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn int_bounds(kind: IntKind) -> (i64, i64) {
    match kind {
        IntKind::I8 => (i8::MIN.into(), i8::MAX.into()),
        IntKind::I16 => (i16::MIN.into(), i16::MAX.into()),
        IntKind::I32 => (i32::MIN.into(), i32::MAX.into()),
        IntKind::U8 => (0, u8::MAX.into()),
        IntKind::U16 => (0, u16::MAX.into()),
        IntKind::U32 => (0, u32::MAX.into()),
        IntKind::I64 | IntKind::I128 => (i64::MIN, i64::MAX),
        // Mapped to `long` with a checked conversion: the long range is the schema's.
        IntKind::U64 | IntKind::U128 => (0, i64::MAX),
    }
}

/// The `pattern` of a decimal string with `scale` fraction digits and at most
/// `precision` digits in all.
fn decimal_pattern(precision: u32, scale: u32) -> String {
    let int_digits = precision.saturating_sub(scale);
    let int = if int_digits == 0 {
        "0".to_string()
    } else {
        format!("(0|[1-9][0-9]{{0,{}}})", int_digits - 1)
    };
    if scale == 0 {
        format!("^-?{int}$")
    } else {
        format!("^-?{int}\\.[0-9]{{{scale}}}$")
    }
}

/// The length of the base64 text of `n` bytes.
fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

const LOCAL_DATE_TIME_PATTERN: &str =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?$";

impl Emitter<'_> {
    fn reference(&mut self, full_name: &str) -> Value {
        if Some(full_name) == self.root {
            return json!({"$ref": "#"});
        }
        if self.references.contains(full_name) {
            return json!({"$ref": reference_name(full_name)});
        }
        if self.queued.insert(full_name.to_string()) {
            self.queue.push(full_name.to_string());
        }
        json!({"$ref": format!("#/{}/{}", self.draft.defs_keyword(), pointer_escape(full_name))})
    }

    fn ty(&mut self, ty: &Ty) -> Map<String, Value> {
        let v = match ty {
            Ty::Null => json!({"type": "null"}),
            Ty::Boolean => json!({"type": "boolean"}),
            Ty::Int(k) | Ty::Long(k) => {
                let (lo, hi) = int_bounds(*k);
                json!({"type": "integer", "minimum": lo, "maximum": hi})
            }
            Ty::Float | Ty::Double => json!({"type": "number"}),
            Ty::String => json!({"type": "string"}),
            Ty::Bytes => json!({"type": "string", "contentEncoding": "base64"}),
            Ty::Fixed { size, .. } => json!({
                "type": "string", "contentEncoding": "base64",
                "minLength": base64_len(*size), "maxLength": base64_len(*size)
            }),
            // Draft-07 has no `uuid` format (validators ignore it): a pattern says it there.
            Ty::Uuid if self.draft == JsonSchemaDraft::Draft07 => {
                json!({"type": "string", "format": "uuid", "pattern": UUID_PATTERN})
            }
            Ty::Uuid => json!({"type": "string", "format": "uuid"}),
            Ty::Date => json!({"type": "string", "format": "date"}),
            Ty::TimeMillis | Ty::TimeMicros => json!({"type": "string", "format": "time"}),
            Ty::TimestampMillis | Ty::TimestampMicros => {
                json!({"type": "string", "format": "date-time"})
            }
            Ty::LocalTimestampMillis | Ty::LocalTimestampMicros => {
                json!({"type": "string", "pattern": LOCAL_DATE_TIME_PATTERN})
            }
            Ty::Decimal {
                precision, scale, ..
            } => json!({"type": "string", "pattern": decimal_pattern(*precision, *scale)}),
            Ty::Array(items) => json!({"type": "array", "items": self.ty(items)}),
            Ty::Map(values) => json!({"type": "object", "additionalProperties": self.ty(values)}),
            Ty::Optional { inner, .. } => return self.optional(inner),
            Ty::Named(n) => self.reference(n),
        };
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// `T` or `null`: a nullable `type` when `T` is constrained by `type`-specific keywords
    /// only, `anyOf` otherwise (a `$ref`, an `enum`, a `oneOf`).
    fn optional(&mut self, inner: &Ty) -> Map<String, Value> {
        let mut s = self.ty(inner);
        let simple = matches!(s.get("type"), Some(Value::String(_)))
            && !["enum", "const", "$ref", "oneOf", "anyOf"]
                .iter()
                .any(|k| s.contains_key(*k));
        if simple {
            if let Some(Value::String(t)) = s.get("type").cloned() {
                s.insert("type".into(), json!([t, "null"]));
                return s;
            }
        }
        let mut m = Map::new();
        m.insert(
            "anyOf".into(),
            Value::Array(vec![json!({"type": "null"}), Value::Object(s)]),
        );
        m
    }

    fn def(&mut self, def: &Def) -> Map<String, Value> {
        let mut m = Map::new();
        match def {
            Def::Record(r) => {
                self.header(&mut m, &r.full_name, r.doc.as_deref());
                m.insert("type".into(), "object".into());
                self.record_body(&mut m, r);
            }
            Def::Enum(e) => {
                self.header(&mut m, &e.full_name, e.doc.as_deref());
                m.insert("type".into(), "string".into());
                m.insert("enum".into(), e.symbols.clone().into());
            }
            Def::Union(u) => {
                self.header(&mut m, &u.full_name, u.doc.as_deref());
                m.insert("oneOf".into(), self.union_branches(u));
            }
        }
        m
    }

    fn header(&self, m: &mut Map<String, Value>, full_name: &str, doc: Option<&str>) {
        m.insert("title".into(), short_name(full_name).into());
        if let Some(doc) = doc {
            m.insert("description".into(), doc.into());
        }
    }

    fn record_body(&mut self, m: &mut Map<String, Value>, r: &RecordDef) {
        let mut props = Map::new();
        let mut required = Vec::new();
        for f in &r.fields {
            let mut s = Map::new();
            if let Some(doc) = &f.doc {
                s.insert("description".into(), doc.as_str().into());
            }
            s.extend(self.ty(&f.ty));
            // Confluent's inline field tags (`JsonSchema.TAGS`, "confluent:tags" on the
            // property's schema).
            if !f.tags.is_empty() {
                s.insert(crate::avro::TAGS_PROPERTY.into(), f.tags.clone().into());
            }
            match field_default(self.model, f) {
                Some(d) => {
                    s.insert("default".into(), d);
                }
                None => required.push(Value::from(f.name.as_str())),
            }
            props.insert(f.name.clone(), Value::Object(s));
        }
        m.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            m.insert("required".into(), Value::Array(required));
        }
        if let Some(open) = r.additional_properties {
            m.insert("additionalProperties".into(), open.into());
        }
    }

    fn union_branches(&mut self, u: &UnionDef) -> Value {
        let branches = u
            .variants
            .iter()
            .map(|v| match &v.ty {
                Ty::Null => json!({"type": "string", "const": v.name}),
                ty => {
                    let mut props = Map::new();
                    props.insert(v.name.clone(), Value::Object(self.ty(ty)));
                    json!({
                        "type": "object",
                        "properties": props,
                        "required": [v.name],
                        "additionalProperties": false
                    })
                }
            })
            .collect();
        Value::Array(branches)
    }
}

/// The JSON value a reader uses for `f` when it is absent: its default in JSON codec
/// form, or `None` when it has none (the field is then required).
pub fn field_default(model: &TypeModel, f: &Field) -> Option<Value> {
    f.default
        .as_ref()
        .and_then(|d| json_default(model, &f.ty, d))
}

/// The default of field `field` of the model's root record (`variant: None`) or of the
/// record of variant `variant` of the model's root data enum, as the JSON decoder fills
/// an absent field in. `None` when the field has no JSON default.
pub fn absent_field_default(
    model: &TypeModel,
    variant: Option<usize>,
    field: &str,
) -> Option<Value> {
    let root = model.def(model.root_name()?)?;
    let record = match (root, variant) {
        (Def::Record(r), None) => r,
        (Def::Union(u), Some(i)) => match &u.variants.get(i)?.ty {
            Ty::Named(n) => match model.def(n)? {
                Def::Record(r) => r,
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    let f = record.fields.iter().find(|f| f.name == field)?;
    field_default(model, f)
}

/// Converts an Avro default (the model keeps defaults in Avro's JSON form) to the JSON
/// codec's spelling of the same value, or `None` where this does not know one.
fn json_default(model: &TypeModel, ty: &Ty, v: &Value) -> Option<Value> {
    match ty {
        Ty::Null => v.is_null().then_some(Value::Null),
        Ty::Boolean => v.is_boolean().then(|| v.clone()),
        Ty::Int(k) | Ty::Long(k) => {
            let (lo, hi) = int_bounds(*k);
            v.as_i64()
                .filter(|n| (lo..=hi).contains(n))
                .map(Value::from)
        }
        Ty::Float | Ty::Double => v.is_number().then(|| v.clone()),
        Ty::String | Ty::Uuid => v.is_string().then(|| v.clone()),
        Ty::Bytes => {
            avro_bytes(v).map(|b| base64::engine::general_purpose::STANDARD.encode(b).into())
        }
        Ty::Fixed { size, .. } => avro_bytes(v)
            .filter(|b| b.len() == *size)
            .map(|b| base64::engine::general_purpose::STANDARD.encode(b).into()),
        Ty::Array(items) => v
            .as_array()?
            .iter()
            .map(|x| json_default(model, items, x))
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        Ty::Map(values) => v
            .as_object()?
            .iter()
            .map(|(k, x)| Some((k.clone(), json_default(model, values, x)?)))
            .collect::<Option<Map<_, _>>>()
            .map(Value::Object),
        Ty::Optional { inner, .. } => {
            if v.is_null() {
                Some(Value::Null)
            } else {
                json_default(model, inner, v)
            }
        }
        Ty::Named(n) => match model.def(n)? {
            Def::Record(r) => {
                let obj = v.as_object()?;
                let mut out = Map::new();
                for f in &r.fields {
                    let x = match obj.get(&f.name) {
                        Some(x) => json_default(model, &f.ty, x)?,
                        None => field_default(model, f)?,
                    };
                    out.insert(f.name.clone(), x);
                }
                Some(Value::Object(out))
            }
            Def::Enum(e) => v
                .as_str()
                .filter(|s| e.symbols.iter().any(|x| x == s))
                .map(Value::from),
            Def::Union(_) => None,
        },
        // Logical types and decimals: Avro's numeric/byte defaults would need calendar and
        // two's-complement conversions; such fields stay required in JSON.
        Ty::Date
        | Ty::TimeMillis
        | Ty::TimeMicros
        | Ty::TimestampMillis
        | Ty::TimestampMicros
        | Ty::LocalTimestampMillis
        | Ty::LocalTimestampMicros
        | Ty::Decimal { .. } => None,
    }
}

/// Avro's JSON spelling of bytes: one code point 0-255 per byte.
fn avro_bytes(v: &Value) -> Option<Vec<u8>> {
    v.as_str()?
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EnumDef, Variant};

    fn record(name: &str, fields: Vec<Field>) -> Def {
        Def::Record(RecordDef {
            full_name: name.into(),
            fields,
            ..Default::default()
        })
    }

    #[test]
    fn records_enums_unions_and_recursion() {
        let mut next = Field::new(
            "next",
            Ty::Optional {
                inner: Box::new(Ty::Named("a.Node".into())),
                null_first: true,
            },
        );
        next.default = Some(Value::Null);
        let mut label = Field::new("label", Ty::String);
        label.doc = Some("shown to people".into());
        label.default = Some(json!("x"));
        let model = TypeModel {
            root: Ty::Named("a.Node".into()),
            defs: vec![
                Def::Record(RecordDef {
                    full_name: "a.Node".into(),
                    doc: Some("A list node.".into()),
                    fields: vec![
                        Field::new("v", Ty::Int(IntKind::U16)),
                        next,
                        label,
                        Field::new("c", Ty::Named("a.Color".into())),
                        Field::new("s", Ty::Named("a.Shape".into())),
                    ],
                    additional_properties: Some(false),
                    ..Default::default()
                }),
                Def::Enum(EnumDef {
                    full_name: "a.Color".into(),
                    symbols: vec!["RED".into(), "GREEN".into()],
                    ..Default::default()
                }),
                Def::Union(UnionDef {
                    full_name: "a.Shape".into(),
                    doc: None,
                    variants: vec![
                        Variant {
                            name: "Empty".into(),
                            ty: Ty::Null,
                            tag: None,
                        },
                        Variant {
                            name: "Circle".into(),
                            ty: Ty::Named("a.Circle".into()),
                            tag: None,
                        },
                    ],
                }),
                record("a.Circle", vec![Field::new("r", Ty::Double)]),
            ],
            references: Vec::new(),
        };
        let s = to_json_schema(&model, JsonSchemaDraft::Draft2020_12);
        assert_eq!(
            &s,
            &json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "Node",
                "description": "A list node.",
                "type": "object",
                "properties": {
                    "v": {"type": "integer", "minimum": 0, "maximum": 65535},
                    "next": {"anyOf": [{"type": "null"}, {"$ref": "#"}], "default": null},
                    "label": {"type": "string", "description": "shown to people", "default": "x"},
                    "c": {"$ref": "#/$defs/a.Color"},
                    "s": {"$ref": "#/$defs/a.Shape"}
                },
                "required": ["v", "c", "s"],
                "additionalProperties": false,
                "$defs": {
                    "a.Color": {"title": "Color", "type": "string", "enum": ["RED", "GREEN"]},
                    "a.Shape": {"title": "Shape", "oneOf": [
                        {"type": "string", "const": "Empty"},
                        {"type": "object", "properties": {"Circle": {"$ref": "#/$defs/a.Circle"}},
                         "required": ["Circle"], "additionalProperties": false}
                    ]},
                    "a.Circle": {"title": "Circle", "type": "object",
                                 "properties": {"r": {"type": "number"}}, "required": ["r"]}
                }
            })
        );
        let s07 = to_json_schema(&model, JsonSchemaDraft::Draft07);
        assert_eq!(
            s07.get("$schema"),
            Some(&json!("http://json-schema.org/draft-07/schema#"))
        );
        assert_eq!(
            s07.pointer("/properties/c/$ref"),
            Some(&json!("#/definitions/a.Color"))
        );
        assert!(s07.get("definitions").is_some() && s07.get("$defs").is_none());
    }

    #[test]
    fn primitives_logical_types_and_optional_scalars() {
        let model = TypeModel {
            root: Ty::Named("R".into()),
            defs: vec![record(
                "R",
                vec![
                    Field::new(
                        "o",
                        Ty::Optional {
                            inner: Box::new(Ty::Long(IntKind::I64)),
                            null_first: true,
                        },
                    ),
                    Field::new("b", Ty::Bytes),
                    Field::new(
                        "f",
                        Ty::Fixed {
                            full_name: "F".into(),
                            size: 16,
                        },
                    ),
                    Field::new("u", Ty::Uuid),
                    Field::new("d", Ty::Date),
                    Field::new("t", Ty::TimeMillis),
                    Field::new("ts", Ty::TimestampMicros),
                    Field::new("l", Ty::LocalTimestampMillis),
                    Field::new("m", Ty::Map(Box::new(Ty::Array(Box::new(Ty::Float))))),
                    Field::new(
                        "x",
                        Ty::Decimal {
                            precision: 5,
                            scale: 2,
                            fixed: None,
                        },
                    ),
                    Field::new("w", Ty::Long(IntKind::U64)),
                ],
            )],
            references: Vec::new(),
        };
        let s = to_json_schema(&model, JsonSchemaDraft::Draft2020_12);
        let p = |k: &str| s.pointer(&format!("/properties/{k}")).cloned();
        assert_eq!(
            p("o"),
            Some(json!({"type": ["integer", "null"], "minimum": i64::MIN, "maximum": i64::MAX}))
        );
        assert_eq!(
            p("b"),
            Some(json!({"type": "string", "contentEncoding": "base64"}))
        );
        assert_eq!(
            p("f"),
            Some(
                json!({"type": "string", "contentEncoding": "base64", "minLength": 24, "maxLength": 24})
            )
        );
        assert_eq!(p("u"), Some(json!({"type": "string", "format": "uuid"})));
        assert_eq!(p("d"), Some(json!({"type": "string", "format": "date"})));
        assert_eq!(p("t"), Some(json!({"type": "string", "format": "time"})));
        assert_eq!(
            p("ts"),
            Some(json!({"type": "string", "format": "date-time"}))
        );
        assert_eq!(
            p("l"),
            Some(json!({"type": "string", "pattern": LOCAL_DATE_TIME_PATTERN}))
        );
        assert_eq!(
            p("m"),
            Some(
                json!({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "number"}}})
            )
        );
        assert_eq!(
            p("x"),
            Some(json!({"type": "string", "pattern": "^-?(0|[1-9][0-9]{0,2})\\.[0-9]{2}$"}))
        );
        assert_eq!(
            p("w"),
            Some(json!({"type": "integer", "minimum": 0, "maximum": i64::MAX}))
        );
        assert_eq!(decimal_pattern(2, 2), "^-?0\\.[0-9]{2}$");
        assert_eq!(decimal_pattern(3, 0), "^-?(0|[1-9][0-9]{0,2})$");
    }

    #[test]
    fn an_unnamed_root_takes_the_given_title_and_a_named_root_its_own() {
        let map = TypeModel {
            root: Ty::Map(Box::new(Ty::Double)),
            defs: vec![],
            references: Vec::new(),
        };
        assert_eq!(
            Value::Object(to_json_schema_titled(
                &map,
                JsonSchemaDraft::Draft07,
                Some("Prices")
            )),
            json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "title": "Prices",
                "type": "object",
                "additionalProperties": {"type": "number"}
            })
        );
        assert_eq!(
            to_json_schema(&map, JsonSchemaDraft::Draft07).get("title"),
            None
        );
        let named = TypeModel {
            root: Ty::Named("a.b.Order".into()),
            defs: vec![record("a.b.Order", vec![])],
            references: Vec::new(),
        };
        let s = to_json_schema_titled(&named, JsonSchemaDraft::Draft2020_12, Some("Other"));
        assert_eq!(s.get("title"), Some(&json!("Order")));
    }

    #[test]
    fn avro_defaults_are_converted_or_make_the_field_required() {
        let model = TypeModel {
            root: Ty::Null,
            defs: vec![],
            references: Vec::new(),
        };
        assert_eq!(
            json_default(&model, &Ty::Bytes, &json!("\u{00ff}\u{0001}")),
            Some(json!("/wE="))
        );
        assert_eq!(
            json_default(&model, &Ty::Int(IntKind::I8), &json!(300)),
            None
        );
        assert_eq!(json_default(&model, &Ty::Date, &json!(0)), None);
        assert_eq!(
            json_default(
                &model,
                &Ty::Array(Box::new(Ty::Optional {
                    inner: Box::new(Ty::String),
                    null_first: false
                })),
                &json!(["a", null])
            ),
            Some(json!(["a", null]))
        );
    }
}
