//! The field walk over a Protobuf message (`transform` / `_transform_field` of Confluent's
//! `common/protobuf.py`).
//!
//! Every field of a message is entered in declaration order with its full name
//! (`pkg.Message.field`), its Confluent type and its tags; a field with presence (a oneof
//! member, a proto3 `optional` field, a message field, a proto2 scalar) that is not set is
//! skipped, a proto3 scalar without presence is handed over with its default value.
//! `google.protobuf.Timestamp` and `confluent.type.Decimal` values are one `RECORD` value
//! each, as Confluent's `is_cel_leaf_message` has them. Other nested messages are walked
//! with their own fields, the items of a repeated field each with the field's item
//! type, the values of a map with type `MAP` (which CEL_FIELD leaves alone, as Confluent's
//! executor does for non-primitive types). As in the Avro and JSON walk, the transform's
//! results are collected as edits and applied once the walk is done.

use std::collections::BTreeSet;

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, ReflectMessage, Value};

use super::value::{field_type, from_field, to_field};
use super::ProtoSchema;
use crate::rules::error::RuleError;
use crate::rules::executor::{FieldTransform, RuleContext};
use crate::rules::field::{FieldContext, FieldType, FieldValue};
use crate::rules::message::MessageRef;
use crate::rules::walk::transform_leaf;

/// How deep the walk goes into nested messages, lists and maps (deeper is an error).
const MAX_DEPTH: usize = 64;

/// Walks `message`, applying `transform` to each field the rule's tags select; returns
/// whether the message changed.
pub(crate) fn transform_fields(
    ctx: &RuleContext<'_>,
    schema: &ProtoSchema,
    message: &mut DynamicMessage,
    transform: &dyn FieldTransform,
) -> Result<bool, RuleError> {
    let mut walker = Walker {
        ctx,
        schema,
        transform,
        edits: Vec::new(),
    };
    walker.message(message, &mut Vec::new(), 0)?;
    let changed = !walker.edits.is_empty();
    for (path, new) in walker.edits {
        if let Some(slot) = value_at(message, &path) {
            *slot = new;
        }
    }
    Ok(changed)
}

/// One step from a message to a value inside it.
#[derive(Debug, Clone)]
enum Step {
    /// A field of a message.
    Field(FieldDescriptor),
    /// An item of a repeated field.
    Item(usize),
    /// A value of a map field.
    Key(MapKey),
}

/// The field being walked (kept down through lists and maps).
struct Current<'m> {
    field: FieldDescriptor,
    tags: &'m BTreeSet<String>,
    containing: &'m DynamicMessage,
}

struct Walker<'c, 's, 't> {
    ctx: &'c RuleContext<'c>,
    schema: &'s ProtoSchema,
    transform: &'t dyn FieldTransform,
    edits: Vec<(Vec<Step>, Value)>,
}

impl Walker<'_, '_, '_> {
    fn message(
        &mut self,
        message: &DynamicMessage,
        path: &mut Vec<Step>,
        depth: usize,
    ) -> Result<(), RuleError> {
        if depth > MAX_DEPTH {
            return Err(RuleError::execution("the message is nested too deeply"));
        }
        for field in message.descriptor().fields() {
            // Skip-on-unset for fields with presence (oneof members, proto3 `optional`,
            // message fields, proto2 scalars), as Confluent's walk (`has_presence`): a
            // transform would otherwise make an absent field present.
            if field.supports_presence() && !message.has_field(&field) {
                continue;
            }
            let computed;
            let tags = match self.schema.field_tags(field.full_name()) {
                Some(tags) => tags,
                None => {
                    computed = self.ctx.field_tags(field.full_name(), None);
                    &computed
                }
            };
            let value = message.get_field(&field);
            let current = Current {
                field: field.clone(),
                tags,
                containing: message,
            };
            let kind = field.kind();
            let leaf_type = field_type(&field);
            path.push(Step::Field(field));
            let result = self.value(&current, &kind, leaf_type, &value, path, depth + 1);
            path.pop();
            result?;
        }
        Ok(())
    }

    /// Walks a field's value: `kind` is the kind of its scalars (a map's value kind),
    /// `leaf_type` the type handed to the transform with them.
    fn value(
        &mut self,
        current: &Current<'_>,
        kind: &Kind,
        leaf_type: FieldType,
        value: &Value,
        path: &mut Vec<Step>,
        depth: usize,
    ) -> Result<(), RuleError> {
        if depth > MAX_DEPTH {
            return Err(RuleError::execution("the message is nested too deeply"));
        }
        match value {
            Value::Message(inner) if is_leaf_message(inner) => {
                // Confluent hands these to the transform as one value (a datetime, a
                // decimal) typed RECORD: CEL_FIELD leaves them, ENCRYPT refuses them. Here
                // the value is the message's encoding; a transform must return it as is.
                let context = FieldContext {
                    name: current.field.name(),
                    full_name: current.field.full_name(),
                    field_type: FieldType::Record,
                    tags: current.tags,
                    containing: MessageRef::Protobuf(current.containing),
                };
                let before = FieldValue::Bytes(prost::Message::encode_to_vec(inner));
                match transform_leaf(self.ctx, self.transform, &context, before)? {
                    None => Ok(()),
                    Some(new) => Err(from_field(kind, &new)
                        .err()
                        .unwrap_or_else(|| RuleError::execution("a transform changed a message"))
                        .at_field(current.field.full_name())),
                }
            }
            Value::Message(inner) => self.message(inner, path, depth + 1),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Item(i));
                    let result = self.value(current, kind, leaf_type, item, path, depth + 1);
                    path.pop();
                    result?;
                }
                Ok(())
            }
            Value::Map(entries) => {
                let value_kind = match kind {
                    Kind::Message(entry) => entry.map_entry_value_field().kind(),
                    other => other.clone(),
                };
                for (key, entry) in entries {
                    path.push(Step::Key(key.clone()));
                    let result =
                        self.value(current, &value_kind, leaf_type, entry, path, depth + 1);
                    path.pop();
                    result?;
                }
                Ok(())
            }
            scalar => {
                let full_name = current.field.full_name();
                let Some(before) = to_field(scalar).map_err(|e| e.at_field(full_name))? else {
                    return Ok(());
                };
                let context = FieldContext {
                    name: current.field.name(),
                    full_name,
                    field_type: leaf_type,
                    tags: current.tags,
                    containing: MessageRef::Protobuf(current.containing),
                };
                if let Some(new) = transform_leaf(self.ctx, self.transform, &context, before)? {
                    let converted = from_field(kind, &new).map_err(|e| e.at_field(full_name))?;
                    self.edits.push((path.clone(), converted));
                }
                Ok(())
            }
        }
    }
}

/// The messages Confluent's walk treats as one value (`is_cel_leaf_message`).
fn is_leaf_message(message: &DynamicMessage) -> bool {
    matches!(
        message.descriptor().full_name(),
        "google.protobuf.Timestamp" | "confluent.type.Decimal"
    )
}

/// The value at `path` in `message`, for writing.
fn value_at<'v>(message: &'v mut DynamicMessage, path: &[Step]) -> Option<&'v mut Value> {
    let (Step::Field(first), rest) = path.split_first()? else {
        return None;
    };
    let mut at = message.get_field_mut(first);
    for step in rest {
        at = match (step, at) {
            (Step::Field(field), Value::Message(inner)) => inner.get_field_mut(field),
            (Step::Item(i), Value::List(items)) => items.get_mut(*i)?,
            (Step::Key(key), Value::Map(entries)) => entries.get_mut(key)?,
            _ => return None,
        };
    }
    Some(at)
}
