//! The compile errors of a broken pin: where they point, which readers break, and how to
//! fix it.

use proc_macro2::Span;
use serde_json::Value;
use streamhouse_schema_core::compat::{CompatibilityLevel, IncompatibilityKind as Kind};

use super::locate::{locate, locate_json, Location};
use super::verdict::{Direction, Finding};
use crate::ast::{Container, Data};
use streamhouse_schema_core::SchemaFormat;

/// What a finding was checked against.
pub struct Pin<'a> {
    pub format: SchemaFormat,
    pub level: CompatibilityLevel,
    /// The `pin = "..."` attribute.
    pub span: Span,
    /// The pinned file as the user names it.
    pub shown: &'a str,
}

/// Reports one finding: `current` is the type's schema, `pinned` the pinned version's (when
/// it is JSON).
pub fn error(
    c: &Container,
    pin: &Pin<'_>,
    finding: &Finding,
    current: &Value,
    pinned: Option<&Value>,
) -> syn::Error {
    let format = pin.format;
    // The finding's path is in the reader's schema.
    let (reader, writer) = match finding.direction {
        Direction::NewReadsOld => (Some(current), pinned),
        Direction::OldReadsNew => (pinned, Some(current)),
    };
    let p = &finding.problem;
    let loc = match format {
        SchemaFormat::Avro => reader.map(|r| locate(r, &p.path)).unwrap_or_default(),
        _ => {
            let mut loc = locate_json(&p.path);
            if p.kind == Kind::RequiredAttributeAdded {
                loc.root_field = newly_required(reader, writer, &p.message);
            }
            loc
        }
    };
    let removed = is_removed(c, &loc);
    let mut hint = hint(p.kind, finding.direction, removed).to_string();
    // The exact alias to add when the annotated type itself was renamed or moved.
    if let (Kind::NameMismatch, Direction::NewReadsOld, "/name") =
        (p.kind, finding.direction, p.path.as_str())
    {
        if let Some(old) = pinned.and_then(full_name) {
            hint = format!(
                "keep the old name (a new namespace alone is compatible), or record the old \
                 full name on the type: #[stream_schema(alias = \"{old}\")]"
            );
        }
    }
    render(c, pin, finding, &loc, &hint)
}

/// The root field of `loc` is gone from the type (nothing nested under it is named).
pub fn is_removed(c: &Container, loc: &Location) -> bool {
    root_field(c, loc).is_none() && loc.root_field.is_some() && loc.nested.is_empty()
}

fn root_field<'c>(c: &'c Container<'c>, loc: &Location) -> Option<&'c crate::ast::Field<'c>> {
    loc.root_field.as_deref().and_then(|name| match &c.data {
        Data::Struct(_, fields) => fields.iter().find(|f| f.name == name),
        Data::Enum(_) => None,
    })
}

/// The error of one finding located at `loc`, with `hint` saying how to fix it.
pub fn render(
    c: &Container,
    pin: &Pin<'_>,
    finding: &Finding,
    loc: &Location,
    hint: &str,
) -> syn::Error {
    let Pin {
        level,
        span: pin_span,
        shown,
        ..
    } = *pin;
    let ty_name = c.ident.to_string();
    let p = &finding.problem;
    let field = root_field(c, loc);
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
        _ if p.kind == Kind::FieldRenumbered => {
            "readers on either side of the change silently drop this field's values written under the other number \
             (the registry accepts the change: it sees one field removed and another added; the build does not)"
        }
        Direction::NewReadsOld => {
            "consumers built with the new type cannot read records already written with the pinned schema"
        }
        Direction::OldReadsNew => {
            "consumers still on the pinned schema cannot read records written with the new type"
        }
    };
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

/// The root property a REQUIRED_ATTRIBUTE_ADDED finding is about: required by the reader,
/// not by the writer, and named in the message (one finding per property).
fn newly_required(reader: Option<&Value>, writer: Option<&Value>, message: &str) -> Option<String> {
    let required = |schema: Option<&Value>| -> Vec<String> {
        schema
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = required(writer);
    required(reader)
        .into_iter()
        .filter(|name| !before.contains(name))
        .find(|name| message.contains(&format!("'{name}'")))
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
            "keep the old name (a new namespace alone is compatible), or record the old full name \
             on the renamed type: #[stream_schema(alias = \"old.namespace.OldName\")] (the line above names it)"
        }
        (Kind::NameMismatch, OldReadsNew) => {
            "readers on the pinned schema only know the old name, and an alias on the new type cannot \
             change that: keep the old name (a new namespace alone is compatible)"
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
        (
            Kind::RequiredAttributeAdded
            | Kind::RequiredPropertyAddedToOpenContentModel
            | Kind::RequiredPropertyAddedToUnopenContentModel,
            _,
        ) => {
            "a new required property: make the field an Option or give it a default \
             (#[stream_schema(default = <json>)]) so it is not required"
        }
        (Kind::TypeChanged | Kind::TypeNarrowed, _) => {
            "keep the old type: JSON readers validate the property's type"
        }
        (
            Kind::MaximumAdded
            | Kind::MaximumDecreased
            | Kind::MinimumAdded
            | Kind::MinimumIncreased
            | Kind::ExclusiveMaximumAdded
            | Kind::ExclusiveMaximumDecreased
            | Kind::ExclusiveMinimumAdded
            | Kind::ExclusiveMinimumIncreased
            | Kind::MultipleOfAdded
            | Kind::MultipleOfExpanded
            | Kind::MultipleOfChanged,
            _,
        ) => {
            "keep the wider Rust type: its bounds are part of the JSON Schema (e.g. i64 → i32 narrows them)"
        }
        (Kind::EnumArrayNarrowed | Kind::EnumArrayChanged, _) => {
            "keep the removed variant: the pinned schema allows it"
        }
        (
            Kind::OptionalPropertyAddedToOpenContentModel
            | Kind::RequiredPropertyWithDefaultAddedToOpenContentModel
            | Kind::PropertyRemovedFromClosedContentModel,
            _,
        ) => {
            "the pinned content model constrains which properties may appear: keep the property set, \
             or change `additional_properties` in a new pinned version"
        }
        _ => "restore the pinned shape of this part of the schema",
    }
}
