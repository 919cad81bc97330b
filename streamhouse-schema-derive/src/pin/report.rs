//! The compile errors of a broken pin: where they point, which readers break, and how to
//! fix it.

use proc_macro2::Span;
use serde_json::Value;
use streamhouse_schema_core::compat::{CompatibilityLevel, IncompatibilityKind as Kind};

use super::locate::locate;
use super::verdict::{Direction, Finding};
use crate::ast::{Container, Data};

/// Reports one finding against the pinned file shown as `shown`. `reader` is the schema the
/// finding's path refers to (the current one for BACKWARD, the pinned one for FORWARD);
/// `pinned` is the pinned schema.
pub fn error(
    c: &Container,
    pin_span: Span,
    shown: &str,
    level: CompatibilityLevel,
    finding: &Finding,
    reader: Option<&Value>,
    pinned: Option<&Value>,
) -> syn::Error {
    let ty_name = c.ident.to_string();
    let p = &finding.problem;
    let loc = reader.map(|r| locate(r, &p.path)).unwrap_or_default();
    let field = loc.root_field.as_deref().and_then(|name| match &c.data {
        Data::Struct(_, fields) => fields.iter().find(|f| f.name == name),
        Data::Enum(_) => None,
    });
    // The field when it is still there; the type for problems of the type itself; the
    // attribute when the field was removed (nothing else is left to point at).
    let (span, mut at) = match (field, &loc.root_field) {
        (Some(f), _) => (
            f.original
                .ident
                .as_ref()
                .map_or(pin_span, proc_macro2::Ident::span),
            format!("{ty_name}.{}", f.rust_name),
        ),
        (None, Some(name)) => (pin_span, format!("{ty_name}.{name}")),
        (None, None) => (c.ident.span(), ty_name.clone()),
    };
    for step in &loc.nested {
        at.push_str(" → ");
        at.push_str(step);
    }
    let dir = finding.direction;
    let who = match dir {
        Direction::NewReadsOld => {
            "consumers built with the new type cannot read records already written with the pinned schema"
        }
        Direction::OldReadsNew => {
            "consumers still on the pinned schema cannot read records written with the new type"
        }
    };
    let removed = field.is_none() && loc.root_field.is_some() && loc.nested.is_empty();
    let mut hint = hint(p.kind, dir, removed).to_string();
    // The exact alias to add when the annotated type itself was renamed or moved.
    if let (Kind::NameMismatch, Direction::NewReadsOld, "/name") = (p.kind, dir, p.path.as_str()) {
        if let Some(old) = pinned.and_then(full_name) {
            hint = format!(
                "keep the old name and namespace, or record the old full name on the type: \
                 #[stream_schema(alias = \"{old}\")]"
            );
        }
    }
    syn::Error::new(
        span,
        format!(
            "`{at}` breaks {level} compatibility with the pinned schema {shown:?}:\n\
             {p}\n\
             = {who}\n\
             = help: {hint}\n\
             = help: if the break is intended, cut a new pinned version for a new subject (point `pin` at a new file; \
             readers of the old subject keep the old schema), or lower `compatibility`",
        ),
    )
}

/// The full name of a schema's root named type.
fn full_name(schema: &Value) -> Option<String> {
    let name = schema.get("name")?.as_str()?;
    match schema.get("namespace").and_then(Value::as_str) {
        Some(ns) if !ns.is_empty() && !name.contains('.') => Some(format!("{ns}.{name}")),
        _ => Some(name.to_string()),
    }
}

fn hint(kind: Kind, dir: Direction, removed: bool) -> &'static str {
    use Direction::*;
    match (kind, dir) {
        (Kind::ReaderFieldMissingDefaultValue, NewReadsOld) => {
            "give the new field a default: #[stream_schema(default = <json>)] (an Option defaults to null); \
             if it is a renamed field, record its old name instead: #[stream_schema(alias = \"old_name\")]"
        }
        (Kind::ReaderFieldMissingDefaultValue, OldReadsNew) if removed => {
            "the pinned schema has this field without a default: keep the field, or first pin a version \
             that gives it a default (#[stream_schema(default = <json>)]), then remove it"
        }
        (Kind::ReaderFieldMissingDefaultValue, OldReadsNew) => {
            "the pinned schema reads this field by its old name and has no default for it: keep the name, \
             or first pin a version that gives the field a default"
        }
        (Kind::TypeMismatch, NewReadsOld) => {
            "keep the old type, or change it only along Avro's promotions (int → long → float → double, \
             string ↔ bytes); for any other type add a new field with a default"
        }
        (Kind::TypeMismatch, OldReadsNew) => {
            "keep the old type: old readers only promote int → long → float → double and string ↔ bytes, \
             so a FORWARD change may only narrow along them; for any other type add a new field"
        }
        (Kind::NameMismatch, NewReadsOld) => {
            "keep the old name and namespace, or record the old full name on the renamed type: \
             #[stream_schema(alias = \"old.namespace.OldName\")] (the line above names it)"
        }
        (Kind::NameMismatch, OldReadsNew) => {
            "readers on the pinned schema only know the old full name, and an alias on the new type cannot \
             change that: keep the old name and namespace"
        }
        (Kind::MissingEnumSymbols, NewReadsOld) => {
            "keep the removed variant, or mark a fallback variant with #[stream_schema(default)] so readers \
             map unknown symbols to it"
        }
        (Kind::MissingEnumSymbols, OldReadsNew) => {
            "the pinned enum has no default symbol, so its readers cannot map the new variant: remove it, or \
             first pin a version whose enum has a #[stream_schema(default)] variant"
        }
        (Kind::MissingUnionBranch, NewReadsOld) => {
            "keep the removed variant (or union branch): records already written may hold it"
        }
        (Kind::MissingUnionBranch, OldReadsNew) => {
            "readers on the pinned schema do not know this variant: do not write it until they do"
        }
        (Kind::FixedSizeMismatch, _) => {
            "keep the fixed size; a value of another size needs a new field (with a default)"
        }
        _ => "restore the pinned shape of this part of the schema",
    }
}
