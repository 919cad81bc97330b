//! The field walk: every primitive field of a message with its name, full name, type and
//! tags, handed to a field transform (Confluent's `transform` walkers in `common/avro.py`
//! and `common/json_schema.py`; Protobuf messages have their own walk in `proto/walk.rs`).
//!
//! The walk reads the message and collects the transform's results as edits, applied
//! once it is done: the transform sees the containing record unchanged while it runs, and
//! the caller learns whether anything changed (the payload is re-encoded only then).

use std::collections::BTreeSet;

use apache_avro::types::Value as AvroValue;
use apache_avro::Schema as AvroSchema;
use serde_json::Value as JsonValue;
use smallvec::SmallVec;

use super::error::RuleError;
use super::executor::{FieldTransform, RuleContext};
use super::field::{FieldContext, FieldType, FieldValue};
use super::message::{Message, MessageRef, ParsedSchema};
use super::tags::json_inline_tags;
use crate::schema::contract::RuleKind;

/// How deep the walk goes into nested values (deeper ones are an error).
const MAX_DEPTH: usize = 64;

/// Walks `message` against `ctx.target`, applying `transform` to each primitive field
/// whose tags meet the rule's (all of them when the rule has no tags). For a CONDITION
/// rule a field transform returning `false` fails the rule, naming the field. Returns
/// whether the message changed.
pub fn transform_fields(
    ctx: &RuleContext<'_>,
    message: &mut Message,
    transform: &dyn FieldTransform,
) -> Result<bool, RuleError> {
    match (&ctx.target.parsed, message) {
        (ParsedSchema::Avro { schema, names }, Message::Avro(value)) => {
            let mut walker = Walker {
                ctx,
                transform,
                edits: SmallVec::new(),
                names,
            };
            walker.avro(schema, value, None, &mut Path::new(), 0)?;
            let changed = !walker.edits.is_empty();
            for (path, new) in walker.edits.drain(..) {
                if let Some(slot) = avro_at(value, &path) {
                    *slot = new;
                }
            }
            Ok(changed)
        }
        (ParsedSchema::Json(root), Message::Json(value)) => {
            let mut walker = Walker {
                ctx,
                transform,
                edits: SmallVec::new(),
                names: root,
            };
            walker.json(root, "$", value, None, &mut Path::new(), 0)?;
            let changed = !walker.edits.is_empty();
            for (path, new) in walker.edits.drain(..) {
                if let Some(slot) = json_at(value, &path) {
                    *slot = new;
                }
            }
            Ok(changed)
        }
        (ParsedSchema::Protobuf(schema), Message::Protobuf(value)) => {
            super::proto::walk::transform_fields(ctx, schema, &mut value.message, transform)
        }
        _ => Err(RuleError::execution(
            "the message is not of the schema's format",
        )),
    }
}

/// Where a value is in the message: the steps from the root (on the stack unless the
/// message is nested deeper than most).
type Path = SmallVec<[Step; 8]>;

/// One step from a value to a value inside it.
#[derive(Debug, Clone)]
enum Step {
    /// The n-th field of an Avro record.
    Field(usize),
    /// The value of an Avro union.
    Branch,
    /// An array item.
    Item(usize),
    /// A map entry or JSON property.
    Key(String),
}

/// The field being walked (set on entering a record field, kept down through unions,
/// arrays and maps as Confluent's `current_field`).
struct Current<'f, 'm, V> {
    name: &'f str,
    full_name: &'f str,
    tags: &'f BTreeSet<String>,
    containing: &'m V,
}

struct Walker<'c, 't, N, V> {
    ctx: &'c RuleContext<'c>,
    transform: &'t dyn FieldTransform,
    edits: SmallVec<[(Path, V); 2]>,
    names: &'c N,
}

impl<N, V> Walker<'_, '_, N, V> {
    /// Whether the rule's tags select a field with `tags` (every field when it has none):
    /// checked before a leaf's value is copied out for the transform.
    fn selects(&self, tags: &BTreeSet<String>) -> bool {
        selects(self.ctx, tags)
    }

    /// Runs the transform on a leaf the rule [`selects`](Self::selects); `Some(new value)`
    /// when a TRANSFORM changed it (`unchanged` compares a result with the leaf's value
    /// in the message, so the value handed over need not be copied first).
    fn leaf<C>(
        &self,
        field: &Current<'_, '_, C>,
        field_type: FieldType,
        containing: MessageRef<'_>,
        value: FieldValue,
        unchanged: impl FnOnce(&FieldValue) -> bool,
    ) -> Result<Option<FieldValue>, RuleError> {
        let context = FieldContext {
            name: field.name,
            full_name: field.full_name,
            field_type,
            tags: field.tags,
            containing,
        };
        run_leaf(self.ctx, self.transform, &context, value, unchanged)
    }
}

/// Runs `transform` on one leaf field (every format's walk ends here): skipped when the
/// rule's tags and the field's are disjoint; a CONDITION whose transform returns `false`
/// fails, naming the field; a TRANSFORM's result is `Some` when it differs from `value`.
pub(crate) fn transform_leaf(
    ctx: &RuleContext<'_>,
    transform: &dyn FieldTransform,
    field: &FieldContext<'_>,
    value: FieldValue,
) -> Result<Option<FieldValue>, RuleError> {
    if !selects(ctx, field.tags) {
        return Ok(None);
    }
    let before = value.clone();
    run_leaf(ctx, transform, field, value, |new| *new == before)
}

/// Whether the rule's tags select a field with `tags` (every field when it has none).
fn selects(ctx: &RuleContext<'_>, tags: &BTreeSet<String>) -> bool {
    // A rule names a tag or two: a lookup each is cheaper than `is_disjoint`'s setup.
    let rule_tags = &ctx.rule.tags;
    rule_tags.is_empty() || (!tags.is_empty() && rule_tags.iter().any(|tag| tags.contains(tag)))
}

/// [`transform_leaf`] on a field the rule [`selects`]; `unchanged` tells whether a
/// TRANSFORM's result equals the field's value.
fn run_leaf(
    ctx: &RuleContext<'_>,
    transform: &dyn FieldTransform,
    field: &FieldContext<'_>,
    value: FieldValue,
    unchanged: impl FnOnce(&FieldValue) -> bool,
) -> Result<Option<FieldValue>, RuleError> {
    let result = transform
        .transform(ctx, field, value)
        .map_err(|e| e.at_field(field.full_name))?;
    if ctx.rule.kind == RuleKind::Condition {
        if result == FieldValue::Bool(false) {
            return Err(RuleError::condition(ctx.rule).at_field(field.full_name));
        }
        return Ok(None);
    }
    Ok((!unchanged(&result)).then_some(result))
}

// ---------------------------------------------------------------------------------------
// Avro

type AvroNames = std::collections::HashMap<String, AvroSchema>;

/// A named type's definition for a reference, else the schema itself.
fn resolve<'s>(names: &'s AvroNames, schema: &'s AvroSchema) -> &'s AvroSchema {
    match schema {
        AvroSchema::Ref { name } => names.get(&name.fullname(None)).unwrap_or(schema),
        other => other,
    }
}

impl<'c> Walker<'c, '_, AvroNames, AvroValue> {
    fn avro(
        &mut self,
        schema: &AvroSchema,
        value: &AvroValue,
        field: Option<&Current<'_, '_, AvroValue>>,
        path: &mut Path,
        depth: usize,
    ) -> Result<(), RuleError> {
        if depth > MAX_DEPTH {
            return Err(RuleError::execution("the message is nested too deeply"));
        }
        let names = self.names;
        let schema = resolve(names, schema);
        match (schema, value) {
            (AvroSchema::Union(union), AvroValue::Union(index, inner)) => {
                let Some(branch) = union.variants().get(*index as usize) else {
                    return Ok(());
                };
                path.push(Step::Branch);
                let result = if let (Some(field), Some(leaf_type)) =
                    (field, avro_leaf_type(resolve(names, branch)))
                {
                    if !self.selects(field.tags) {
                        path.pop();
                        return Ok(());
                    }
                    // A primitive branch: the transform's result may belong to another
                    // branch (a null for a string), as Confluent re-resolves the union.
                    let before = avro_field_value(inner);
                    match before {
                        Some(before) => {
                            let containing = MessageRef::Avro(field.containing);
                            let unchanged = |new: &FieldValue| avro_leaf_eq(inner, new);
                            if let Some(new) =
                                self.leaf(field, leaf_type, containing, before, unchanged)?
                            {
                                let converted = union_value(union.variants(), *index, new, names)
                                    .map_err(|e| e.at_field(field.full_name))?;
                                path.pop();
                                self.edits.push((path.clone(), converted));
                                return Ok(());
                            }
                            Ok(())
                        }
                        None => Ok(()),
                    }
                } else {
                    self.avro(branch, inner, field, path, depth + 1)
                };
                path.pop();
                result
            }
            (AvroSchema::Record(record), AvroValue::Record(fields)) => {
                // Each field's full name and tags, computed once per schema.
                let plan = self.ctx.target.avro_fields.get(&record.name);
                for (i, field_schema) in record.fields.iter().enumerate() {
                    let position = match fields.get(i) {
                        Some((name, _)) if *name == field_schema.name => Some(i),
                        _ => fields
                            .iter()
                            .position(|(name, _)| *name == field_schema.name),
                    };
                    let Some(position) = position else { continue };
                    let computed;
                    let (full_name, tags) = match plan.and_then(|p| p.get(i)) {
                        Some(info) => (info.full_name.as_str(), &info.tags),
                        None => {
                            let full_name =
                                format!("{}.{}", record.name.fullname(None), field_schema.name);
                            let tags = self.ctx.field_tags(&full_name, None);
                            computed = (full_name, tags);
                            (computed.0.as_str(), &computed.1)
                        }
                    };
                    // A primitive field the rule does not select is passed over here:
                    // stepping into it would only find that (and cost a call per field).
                    if depth < MAX_DEPTH
                        && !self.selects(tags)
                        && avro_leaf_type(resolve(names, &field_schema.schema)).is_some()
                    {
                        continue;
                    }
                    let current = Current {
                        name: &field_schema.name,
                        full_name,
                        tags,
                        containing: value,
                    };
                    path.push(Step::Field(position));
                    let result = self.avro(
                        &field_schema.schema,
                        &fields[position].1,
                        Some(&current),
                        path,
                        depth + 1,
                    );
                    path.pop();
                    result?;
                }
                Ok(())
            }
            (AvroSchema::Array(array), AvroValue::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Item(i));
                    let result = self.avro(&array.items, item, field, path, depth + 1);
                    path.pop();
                    result?;
                }
                Ok(())
            }
            (AvroSchema::Map(map), AvroValue::Map(entries)) => {
                for (key, entry) in entries {
                    path.push(Step::Key(key.clone()));
                    let result = self.avro(&map.types, entry, field, path, depth + 1);
                    path.pop();
                    result?;
                }
                Ok(())
            }
            (schema, value) => {
                let Some(field) = field.filter(|field| self.selects(field.tags)) else {
                    return Ok(());
                };
                let (Some(leaf_type), Some(before)) =
                    (avro_leaf_type(schema), avro_field_value(value))
                else {
                    return Ok(());
                };
                let containing = MessageRef::Avro(field.containing);
                let unchanged = |new: &FieldValue| avro_leaf_eq(value, new);
                if let Some(new) = self.leaf(field, leaf_type, containing, before, unchanged)? {
                    let converted =
                        avro_from_field(schema, new).map_err(|e| e.at_field(field.full_name))?;
                    self.edits.push((path.clone(), converted));
                }
                Ok(())
            }
        }
    }
}

/// The Confluent type of a primitive Avro schema (logical types as their underlying
/// type, as fastavro reports them); `None` for records, arrays, maps, enums, fixed,
/// decimals and durations, which are not handed to field transforms.
pub(crate) fn avro_leaf_type(schema: &AvroSchema) -> Option<FieldType> {
    Some(match schema {
        AvroSchema::Null => FieldType::Null,
        AvroSchema::Boolean => FieldType::Boolean,
        AvroSchema::Int | AvroSchema::Date | AvroSchema::TimeMillis => FieldType::Int,
        AvroSchema::Long
        | AvroSchema::TimeMicros
        | AvroSchema::TimestampMillis
        | AvroSchema::TimestampMicros
        | AvroSchema::TimestampNanos
        | AvroSchema::LocalTimestampMillis
        | AvroSchema::LocalTimestampMicros
        | AvroSchema::LocalTimestampNanos => FieldType::Long,
        AvroSchema::Float => FieldType::Float,
        AvroSchema::Double => FieldType::Double,
        AvroSchema::Bytes => FieldType::Bytes,
        AvroSchema::String | AvroSchema::Uuid(_) => FieldType::String,
        _ => return None,
    })
}

/// A primitive Avro value as a field value.
fn avro_field_value(value: &AvroValue) -> Option<FieldValue> {
    Some(match value {
        AvroValue::Null => FieldValue::Null,
        AvroValue::Boolean(b) => FieldValue::Bool(*b),
        AvroValue::Int(i) | AvroValue::Date(i) | AvroValue::TimeMillis(i) => {
            FieldValue::Int(i64::from(*i))
        }
        AvroValue::Long(l)
        | AvroValue::TimeMicros(l)
        | AvroValue::TimestampMillis(l)
        | AvroValue::TimestampMicros(l)
        | AvroValue::TimestampNanos(l)
        | AvroValue::LocalTimestampMillis(l)
        | AvroValue::LocalTimestampMicros(l)
        | AvroValue::LocalTimestampNanos(l) => FieldValue::Int(*l),
        AvroValue::Float(f) => FieldValue::Double(f64::from(*f)),
        AvroValue::Double(d) => FieldValue::Double(*d),
        AvroValue::Bytes(b) => FieldValue::Bytes(b.clone()),
        AvroValue::String(s) => FieldValue::String(s.clone()),
        AvroValue::Uuid(u) => FieldValue::String(u.to_string()),
        _ => return None,
    })
}

/// Whether `field` equals [`avro_field_value`] of `value`, without copying a string out.
fn avro_leaf_eq(value: &AvroValue, field: &FieldValue) -> bool {
    match value {
        AvroValue::String(s) => matches!(field, FieldValue::String(f) if f == s),
        AvroValue::Bytes(b) => matches!(field, FieldValue::Bytes(f) if f == b),
        other => avro_field_value(other).as_ref() == Some(field),
    }
}

/// A field value checked into a primitive Avro schema (a string or bytes moved, not
/// copied).
pub(crate) fn avro_from_field(
    schema: &AvroSchema,
    value: FieldValue,
) -> Result<AvroValue, RuleError> {
    match (schema, value) {
        (AvroSchema::String, FieldValue::String(s)) => Ok(AvroValue::String(s)),
        (AvroSchema::Bytes, FieldValue::Bytes(b)) => Ok(AvroValue::Bytes(b)),
        (schema, value) => avro_from_field_ref(schema, &value),
    }
}

/// Whether [`avro_from_field`] moves `value` into `schema` (and so cannot fail).
fn moves_into(schema: &AvroSchema, value: &FieldValue) -> bool {
    matches!(
        (schema, value),
        (AvroSchema::String, FieldValue::String(_)) | (AvroSchema::Bytes, FieldValue::Bytes(_))
    )
}

/// [`avro_from_field`] for a borrowed value (strings and bytes are copied).
fn avro_from_field_ref(schema: &AvroSchema, value: &FieldValue) -> Result<AvroValue, RuleError> {
    let mismatch = || {
        RuleError::execution(format!(
            "the rule returned {} ({:?}), which does not fit the field's type {}",
            value.kind(),
            value,
            avro_leaf_type(schema).map_or("?", FieldType::name)
        ))
    };
    let int32 = |v: &FieldValue| match v {
        FieldValue::Int(i) => i32::try_from(*i).ok(),
        _ => None,
    };
    let int64 = |v: &FieldValue| match v {
        FieldValue::Int(i) => Some(*i),
        _ => None,
    };
    Ok(match schema {
        AvroSchema::Null => match value {
            FieldValue::Null => AvroValue::Null,
            _ => return Err(mismatch()),
        },
        AvroSchema::Boolean => match value {
            FieldValue::Bool(b) => AvroValue::Boolean(*b),
            _ => return Err(mismatch()),
        },
        AvroSchema::Int => AvroValue::Int(int32(value).ok_or_else(mismatch)?),
        AvroSchema::Date => AvroValue::Date(int32(value).ok_or_else(mismatch)?),
        AvroSchema::TimeMillis => AvroValue::TimeMillis(int32(value).ok_or_else(mismatch)?),
        AvroSchema::Long => AvroValue::Long(int64(value).ok_or_else(mismatch)?),
        AvroSchema::TimeMicros => AvroValue::TimeMicros(int64(value).ok_or_else(mismatch)?),
        AvroSchema::TimestampMillis => {
            AvroValue::TimestampMillis(int64(value).ok_or_else(mismatch)?)
        }
        AvroSchema::TimestampMicros => {
            AvroValue::TimestampMicros(int64(value).ok_or_else(mismatch)?)
        }
        AvroSchema::TimestampNanos => AvroValue::TimestampNanos(int64(value).ok_or_else(mismatch)?),
        AvroSchema::LocalTimestampMillis => {
            AvroValue::LocalTimestampMillis(int64(value).ok_or_else(mismatch)?)
        }
        AvroSchema::LocalTimestampMicros => {
            AvroValue::LocalTimestampMicros(int64(value).ok_or_else(mismatch)?)
        }
        AvroSchema::LocalTimestampNanos => {
            AvroValue::LocalTimestampNanos(int64(value).ok_or_else(mismatch)?)
        }
        AvroSchema::Float => match value {
            FieldValue::Double(d) => AvroValue::Float(*d as f32),
            FieldValue::Int(i) => AvroValue::Float(*i as f32),
            _ => return Err(mismatch()),
        },
        AvroSchema::Double => match value {
            FieldValue::Double(d) => AvroValue::Double(*d),
            FieldValue::Int(i) => AvroValue::Double(*i as f64),
            _ => return Err(mismatch()),
        },
        AvroSchema::Bytes => match value {
            FieldValue::Bytes(b) => AvroValue::Bytes(b.clone()),
            _ => return Err(mismatch()),
        },
        AvroSchema::String => match value {
            FieldValue::String(s) => AvroValue::String(s.clone()),
            _ => return Err(mismatch()),
        },
        AvroSchema::Uuid(_) => match value {
            FieldValue::String(s) => AvroValue::Uuid(s.parse().map_err(|_| mismatch())?),
            _ => return Err(mismatch()),
        },
        _ => return Err(mismatch()),
    })
}

/// A field value as a union value: the branch it came from if it fits, else the first
/// primitive branch it fits.
fn union_value(
    variants: &[AvroSchema],
    current: u32,
    value: FieldValue,
    names: &AvroNames,
) -> Result<AvroValue, RuleError> {
    let mut first_error = None;
    for index in std::iter::once(current as usize).chain(0..variants.len()) {
        let Some(branch) = variants.get(index).map(|b| resolve(names, b)) else {
            first_error.get_or_insert_with(|| RuleError::execution("union branch out of range"));
            continue;
        };
        let converted = if moves_into(branch, &value) {
            avro_from_field(branch, value)
        } else {
            match avro_from_field_ref(branch, &value) {
                Err(error) => {
                    first_error.get_or_insert(error);
                    continue;
                }
                ok => ok,
            }
        };
        return converted.map(|v| AvroValue::Union(index as u32, Box::new(v)));
    }
    Err(first_error.unwrap_or_else(|| RuleError::execution("union branch out of range")))
}

fn avro_at<'v>(value: &'v mut AvroValue, path: &[Step]) -> Option<&'v mut AvroValue> {
    let mut at = value;
    for step in path {
        at = match (step, at) {
            (Step::Field(i), AvroValue::Record(fields)) => &mut fields.get_mut(*i)?.1,
            (Step::Branch, AvroValue::Union(_, inner)) => inner.as_mut(),
            (Step::Item(i), AvroValue::Array(items)) => items.get_mut(*i)?,
            (Step::Key(k), AvroValue::Map(entries)) => entries.get_mut(k)?,
            _ => return None,
        };
    }
    Some(at)
}

// ---------------------------------------------------------------------------------------
// JSON Schema

impl<'c> Walker<'c, '_, JsonValue, JsonValue> {
    /// `transform` of `common/json_schema.py`.
    fn json(
        &mut self,
        schema: &JsonValue,
        path_name: &str,
        value: &JsonValue,
        field: Option<&Current<'_, '_, JsonValue>>,
        path: &mut Path,
        depth: usize,
    ) -> Result<(), RuleError> {
        if depth > MAX_DEPTH {
            return Err(RuleError::execution("the message is nested too deeply"));
        }
        if value.is_null() || !schema.is_object() {
            return Ok(());
        }
        if let Some(JsonValue::Array(types)) = schema.get("type") {
            // `_validate_subtypes`: the listed type the value has.
            if let Some(kind) = types
                .iter()
                .filter_map(JsonValue::as_str)
                .find(|t| json_kind_matches(t, value))
            {
                let mut single = schema.clone();
                if let Some(object) = single.as_object_mut() {
                    object.insert("type".to_string(), JsonValue::String(kind.to_string()));
                }
                return self.json(&single, path_name, value, field, path, depth + 1);
            }
        }
        let all_of = schema.get("allOf").and_then(JsonValue::as_array);
        let any_of = schema.get("anyOf").and_then(JsonValue::as_array);
        let one_of = schema.get("oneOf").and_then(JsonValue::as_array);
        if all_of.is_some() || any_of.is_some() || one_of.is_some() {
            if let Some(all_of) = all_of {
                for sub in all_of {
                    self.json(sub, path_name, value, field, path, depth + 1)?;
                }
            } else if let Some(one_of) = one_of {
                if let Some(sub) = one_of.iter().find(|sub| self.json_fits(sub, value, depth)) {
                    self.json(sub, path_name, value, field, path, depth + 1)?;
                }
            } else if let Some(any_of) = any_of {
                let fitting: Vec<&JsonValue> = any_of
                    .iter()
                    .filter(|sub| self.json_fits(sub, value, depth))
                    .collect();
                for sub in fitting {
                    self.json(sub, path_name, value, field, path, depth + 1)?;
                }
            }
            if let (Some(JsonValue::Object(props)), JsonValue::Object(_)) =
                (schema.get("properties"), value)
            {
                self.json_properties(props, path_name, value, path, depth)?;
            }
            if let (Some(items), JsonValue::Array(list)) = (schema.get("items"), value) {
                self.json_items(items, path_name, list, field, path, depth)?;
            }
            return Ok(());
        }
        if let Some(items) = schema.get("items") {
            if let JsonValue::Array(list) = value {
                return self.json_items(items, path_name, list, field, path, depth);
            }
        }
        if let Some(JsonValue::String(reference)) = schema.get("$ref") {
            let Some(target) = json_ref(self.names, reference) else {
                return Err(RuleError::Unsupported(format!(
                    "the JSON Schema reference {reference:?} is not resolved (only references within the schema are)"
                )));
            };
            return self.json(target, path_name, value, field, path, depth + 1);
        }
        let schema_type = json_type(schema);
        match schema_type {
            FieldType::Record => {
                if let (Some(JsonValue::Object(props)), JsonValue::Object(_)) =
                    (schema.get("properties"), value)
                {
                    self.json_properties(props, path_name, value, path, depth)?;
                }
                Ok(())
            }
            FieldType::Enum
            | FieldType::String
            | FieldType::Int
            | FieldType::Double
            | FieldType::Boolean => {
                let Some(field) = field.filter(|field| self.selects(field.tags)) else {
                    return Ok(());
                };
                let before = json_field_value(value);
                let containing = MessageRef::Json(field.containing);
                let unchanged = |new: &FieldValue| json_leaf_eq(value, new);
                if let Some(new) = self.leaf(field, schema_type, containing, before, unchanged)? {
                    let converted = json_from_field(schema_type, &new)
                        .map_err(|e| e.at_field(field.full_name))?;
                    self.edits.push((path.clone(), converted));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn json_items(
        &mut self,
        items: &JsonValue,
        path_name: &str,
        list: &[JsonValue],
        field: Option<&Current<'_, '_, JsonValue>>,
        path: &mut Path,
        depth: usize,
    ) -> Result<(), RuleError> {
        for (i, item) in list.iter().enumerate() {
            path.push(Step::Item(i));
            let result = self.json(items, path_name, item, field, path, depth + 1);
            path.pop();
            result?;
        }
        Ok(())
    }

    /// `_transform_field` for every property of an object schema.
    fn json_properties(
        &mut self,
        props: &serde_json::Map<String, JsonValue>,
        path_name: &str,
        object: &JsonValue,
        path: &mut Path,
        depth: usize,
    ) -> Result<(), RuleError> {
        for (name, prop_schema) in props {
            if !prop_schema.is_object() {
                continue;
            }
            let Some(prop_value) = object.get(name) else {
                continue;
            };
            if prop_value.is_null() {
                continue;
            }
            let full_name = format!("{path_name}.{name}");
            let tags = self
                .ctx
                .field_tags(&full_name, Some(json_inline_tags(prop_schema)));
            let current = Current {
                name,
                full_name: &full_name,
                tags: &tags,
                containing: object,
            };
            path.push(Step::Key(name.clone()));
            let result = self.json(
                prop_schema,
                &full_name,
                prop_value,
                Some(&current),
                path,
                depth + 1,
            );
            path.pop();
            result?;
        }
        Ok(())
    }

    /// Whether `value` fits `schema` by its `type` (this client does not run a full JSON
    /// Schema validation to pick `oneOf`/`anyOf` branches; a branch without a `type` fits).
    fn json_fits(&self, schema: &JsonValue, value: &JsonValue, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let schema = match schema.get("$ref").and_then(JsonValue::as_str) {
            Some(reference) => match json_ref(self.names, reference) {
                Some(target) => target,
                None => return false,
            },
            None => schema,
        };
        match schema.get("type") {
            Some(JsonValue::String(t)) => json_kind_matches(t, value),
            Some(JsonValue::Array(types)) => types
                .iter()
                .filter_map(JsonValue::as_str)
                .any(|t| json_kind_matches(t, value)),
            _ => true,
        }
    }
}

/// Whether a JSON value has the JSON Schema type `kind`.
fn json_kind_matches(kind: &str, value: &JsonValue) -> bool {
    match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

/// `get_type` of `common/json_schema.py`.
pub(crate) fn json_type(schema: &JsonValue) -> FieldType {
    if schema.is_boolean() {
        return FieldType::Combined;
    }
    if schema.get("const").is_some_and(|c| !c.is_null())
        || schema.get("enum").is_some_and(|e| !e.is_null())
    {
        return FieldType::Enum;
    }
    let props = schema.get("properties");
    match schema.get("type").and_then(JsonValue::as_str) {
        Some("object") => {
            if props
                .and_then(JsonValue::as_object)
                .is_none_or(|p| p.is_empty())
            {
                FieldType::Map
            } else {
                FieldType::Record
            }
        }
        Some("array") => FieldType::Array,
        Some("string") => FieldType::String,
        Some("integer") => FieldType::Int,
        Some("number") => FieldType::Double,
        Some("boolean") => FieldType::Boolean,
        Some("null") => FieldType::Null,
        _ if props.is_some() => FieldType::Record,
        _ => FieldType::Null,
    }
}

/// A `$ref` within the schema document (`#`, `#/definitions/X`, `#/$defs/X`, any JSON
/// Pointer after `#`).
fn json_ref<'s>(root: &'s JsonValue, reference: &str) -> Option<&'s JsonValue> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(root);
    }
    root.pointer(pointer)
}

fn json_field_value(value: &JsonValue) -> FieldValue {
    match value {
        JsonValue::Null => FieldValue::Null,
        JsonValue::Bool(b) => FieldValue::Bool(*b),
        JsonValue::Number(n) => match n.as_i64() {
            Some(i) => FieldValue::Int(i),
            None => FieldValue::Double(n.as_f64().unwrap_or(f64::NAN)),
        },
        JsonValue::String(s) => FieldValue::String(s.clone()),
        // Not reached: arrays and objects are walked into, not handed to transforms.
        other => FieldValue::String(other.to_string()),
    }
}

/// Whether `field` equals [`json_field_value`] of `value`, without copying a string out.
fn json_leaf_eq(value: &JsonValue, field: &FieldValue) -> bool {
    match value {
        JsonValue::String(s) => matches!(field, FieldValue::String(f) if f == s),
        other => json_field_value(other) == *field,
    }
}

/// A field value checked into a JSON Schema type.
fn json_from_field(field_type: FieldType, value: &FieldValue) -> Result<JsonValue, RuleError> {
    let mismatch = || {
        RuleError::execution(format!(
            "the rule returned {} ({:?}), which does not fit the field's type {}",
            value.kind(),
            value,
            field_type.name()
        ))
    };
    let float = |d: f64| serde_json::Number::from_f64(d).map(JsonValue::Number);
    Ok(match (field_type, value) {
        (_, FieldValue::Null) => JsonValue::Null,
        (FieldType::Boolean | FieldType::Enum, FieldValue::Bool(b)) => JsonValue::Bool(*b),
        (FieldType::Int | FieldType::Double | FieldType::Enum, FieldValue::Int(i)) => {
            JsonValue::from(*i)
        }
        (FieldType::Int, FieldValue::Double(d)) if d.fract() == 0.0 => {
            float(*d).ok_or_else(mismatch)?
        }
        (FieldType::Double | FieldType::Enum, FieldValue::Double(d)) => {
            float(*d).ok_or_else(mismatch)?
        }
        (FieldType::String | FieldType::Enum, FieldValue::String(s)) => {
            JsonValue::String(s.clone())
        }
        _ => return Err(mismatch()),
    })
}

fn json_at<'v>(value: &'v mut JsonValue, path: &[Step]) -> Option<&'v mut JsonValue> {
    let mut at = value;
    for step in path {
        at = match (step, at) {
            (Step::Item(i), JsonValue::Array(items)) => items.get_mut(*i)?,
            (Step::Key(k), JsonValue::Object(entries)) => entries.get_mut(k)?,
            _ => return None,
        };
    }
    Some(at)
}
