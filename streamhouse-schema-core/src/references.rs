//! The Avro and JSON schemas a type registers when some of its named types are schemas of
//! their own (`#[stream_schema(reference)]`, [`TypeModel::references`]): the type's schema
//! refers to them by name, and each of them is registered first under its own subject, as
//! Confluent's serializers register the schemas a schema references with
//! `auto.register.schemas`.
//!
//! Reference names follow Confluent's conventions, and the subjects are the names, as
//! Confluent's default `reference.subject.name.strategy`
//! (`DefaultReferenceSubjectNameStrategy.subjectName` returns the reference name):
//! - Avro: the referenced type's full name (`com.acme.LineItem`); the referring schema
//!   names it by that full name, with no definition (Avro resolves references by type name:
//!   the registry parses the referenced schemas first).
//! - JSON Schema: `<full name>.json` ([`crate::json_schema::reference_name`]),
//!   the `$ref` the referring schema uses (Confluent's JSON Schema support looks a `$ref` URI
//!   up among the references' names).

use std::collections::HashSet;

use crate::avro::to_avro_json_referencing;
use crate::json_schema::{reference_name, to_json_schema_referencing, JsonSchemaDraft};
use crate::model::{Def, Ty, TypeModel};

/// A type's schema as it is registered with references, and the schemas it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    /// The type's schema text, naming the referenced types instead of defining them.
    pub text: String,
    /// The reference names the type's schema uses directly, in first-use order.
    pub references: Vec<String>,
    /// Every schema to register before the type's own, each after the ones it refers to.
    pub referenced: Vec<ReferencedSchema>,
}

/// One schema registered on its own, which another schema refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferencedSchema {
    /// The reference name, which is also its subject (Confluent's default reference
    /// subject naming).
    pub name: String,
    /// The schema text.
    pub text: String,
    /// The reference names this schema uses directly (registered before it).
    pub references: Vec<String>,
}

/// Why a type's schemas cannot be registered with references.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Two referenced types refer to each other (directly or through others): neither
    /// can be registered first.
    #[error("the referenced types refer to each other ({0}): a registry cannot register either first; drop `reference` from one of them")]
    Cycle(String),
    /// An Avro named type would be defined in two of the registered schemas, which a
    /// registry refuses to parse together ("can't redefine").
    #[error("the Avro type `{name}` is defined inline in both the schema of `{first}` and that of `{second}`, which a registry cannot parse together: mark `{name}` with #[stream_schema(reference)] too")]
    Redefined {
        /// The named type defined twice.
        name: String,
        /// One schema defining it (a full name).
        first: String,
        /// The other schema defining it.
        second: String,
    },
}

/// The Avro schemas of `model` with its references, or `None` when it has none (the type
/// registers its self-contained schema, `to_avro_json`).
///
/// ```
/// use streamhouse_schema_core::model::{Def, Field, ModelBuilder, RecordDef, Ty};
/// use streamhouse_schema_core::references::avro_with_references;
///
/// let mut b = ModelBuilder::new();
/// for (name, fields) in [
///     ("shop.Item", vec![Field::new("sku", Ty::String)]),
///     ("shop.Order", vec![Field::new("item", Ty::Named("shop.Item".into()))]),
/// ] {
///     b.begin(name, name);
///     b.define(Def::Record(RecordDef { full_name: name.into(), fields, ..Default::default() }));
/// }
/// b.mark_reference("shop.Item");
/// let model = b.finish(Ty::Named("shop.Order".into())).unwrap();
/// let registered = avro_with_references(&model).unwrap().unwrap();
/// assert_eq!(
///     registered.text,
///     r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"item","type":"shop.Item"}]}"#
/// );
/// assert_eq!(registered.references, ["shop.Item"]);
/// assert_eq!(registered.referenced[0].name, "shop.Item");
/// ```
///
/// # Errors
/// [`ReferenceError`] when the referenced types refer to each other, or a named type that
/// is no reference would be defined in two of the schemas.
pub fn avro_with_references(model: &TypeModel) -> Result<Option<RegisteredSchema>, ReferenceError> {
    let Some(plan) = Plan::new(model)? else {
        return Ok(None);
    };
    // Every named type is defined in exactly one of the schemas parsed together.
    let mut owners: Vec<(String, &str)> = Vec::new();
    let root_label = model.root_name().unwrap_or("the root");
    for (owner, defined) in std::iter::once((root_label, &plan.root_defines)).chain(
        plan.order
            .iter()
            .map(|node| (node.full_name.as_str(), &node.defines)),
    ) {
        for name in defined {
            if let Some((_, first)) = owners.iter().find(|(n, _)| n == name) {
                return Err(ReferenceError::Redefined {
                    name: name.clone(),
                    first: (*first).to_string(),
                    second: owner.to_string(),
                });
            }
            owners.push((name.clone(), owner));
        }
    }
    Ok(Some(RegisteredSchema {
        text: to_avro_json_referencing(model, None).to_string(),
        references: plan.root_references.clone(),
        referenced: plan
            .order
            .iter()
            .map(|node| ReferencedSchema {
                name: node.full_name.clone(),
                text: to_avro_json_referencing(model, Some(&node.full_name)).to_string(),
                references: node.references.clone(),
            })
            .collect(),
    }))
}

/// The JSON Schemas of `model` in `draft` with its references, or `None` when it has none.
/// `title` titles a root that is not a named type, as `to_json_schema_titled` does.
///
/// # Errors
/// [`ReferenceError::Cycle`] when the referenced types refer to each other.
pub fn json_with_references(
    model: &TypeModel,
    draft: JsonSchemaDraft,
    title: Option<&str>,
) -> Result<Option<RegisteredSchema>, ReferenceError> {
    let Some(plan) = Plan::new(model)? else {
        return Ok(None);
    };
    let names = |refs: &[String]| refs.iter().map(|r| reference_name(r)).collect();
    let text = |root: Option<&str>| {
        serde_json::Value::Object(to_json_schema_referencing(model, draft, title, root)).to_string()
    };
    Ok(Some(RegisteredSchema {
        text: text(None),
        references: names(&plan.root_references),
        referenced: plan
            .order
            .iter()
            .map(|node| ReferencedSchema {
                name: reference_name(&node.full_name),
                text: text(Some(&node.full_name)),
                references: names(&node.references),
            })
            .collect(),
    }))
}

/// The referenced types in registration order, with what each schema refers to and
/// defines.
struct Plan {
    root_references: Vec<String>,
    root_defines: Vec<String>,
    order: Vec<Node>,
}

struct Node {
    full_name: String,
    references: Vec<String>,
    defines: Vec<String>,
}

impl Plan {
    fn new(model: &TypeModel) -> Result<Option<Self>, ReferenceError> {
        if model.references.is_empty() {
            return Ok(None);
        }
        let refs: HashSet<&str> = model.references.iter().map(String::as_str).collect();
        let (root_references, root_defines) = walk(model, &model.root, None, &refs);
        let mut plan = Plan {
            root_references,
            root_defines,
            order: Vec::new(),
        };
        // Depth-first, each type after the ones it refers to; the stack is bounded by the
        // number of referenced types.
        let mut state: Vec<(&str, Mark)> = Vec::new();
        let mut path: Vec<String> = Vec::new();
        for name in plan.root_references.clone() {
            visit(model, &refs, &name, &mut state, &mut path, &mut plan.order)?;
        }
        Ok(Some(plan))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Visiting,
    Done,
}

fn visit<'m>(
    model: &'m TypeModel,
    refs: &HashSet<&str>,
    name: &str,
    state: &mut Vec<(&'m str, Mark)>,
    path: &mut Vec<String>,
    order: &mut Vec<Node>,
) -> Result<(), ReferenceError> {
    let Some(own) = model.references.iter().find(|r| *r == name) else {
        return Ok(());
    };
    match state
        .iter()
        .find(|(n, _)| *n == own.as_str())
        .map(|(_, m)| *m)
    {
        Some(Mark::Done) => return Ok(()),
        Some(Mark::Visiting) => {
            let start = path.iter().position(|p| p == own).unwrap_or(0);
            let mut cycle: Vec<&str> = path[start..].iter().map(String::as_str).collect();
            cycle.push(own);
            return Err(ReferenceError::Cycle(cycle.join(" → ")));
        }
        None => {}
    }
    state.push((own.as_str(), Mark::Visiting));
    path.push(own.clone());
    let (references, defines) = walk(model, &Ty::Named(own.clone()), Some(own), refs);
    for next in &references {
        visit(model, refs, next, state, path, order)?;
    }
    path.pop();
    if let Some(entry) = state.iter_mut().find(|(n, _)| *n == own.as_str()) {
        entry.1 = Mark::Done;
    }
    order.push(Node {
        full_name: own.clone(),
        references,
        defines,
    });
    Ok(())
}

/// The referenced types the schema of `start` uses directly (without going through another
/// reference), and the named types it defines inline. `own` is the referenced type whose
/// schema this is (itself defined, not referred to).
fn walk(
    model: &TypeModel,
    start: &Ty,
    own: Option<&str>,
    refs: &HashSet<&str>,
) -> (Vec<String>, Vec<String>) {
    let mut references = Vec::new();
    let mut defines: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&Ty> = vec![start];
    while let Some(ty) = pending.pop() {
        match ty {
            Ty::Optional { inner, .. } => pending.push(inner),
            Ty::Array(inner) | Ty::Map(inner) => pending.push(inner),
            Ty::Fixed { full_name, .. }
            | Ty::Decimal {
                fixed: Some((full_name, _)),
                ..
            } => push_unique(&mut defines, full_name),
            Ty::Named(name) if refs.contains(name.as_str()) && Some(name.as_str()) != own => {
                push_unique(&mut references, name)
            }
            Ty::Named(name) => {
                if !seen.insert(name) {
                    continue;
                }
                match model.def(name) {
                    Some(Def::Record(r)) => {
                        defines.push(name.clone());
                        pending.extend(r.fields.iter().rev().map(|f| &f.ty));
                    }
                    Some(Def::Enum(_)) => defines.push(name.clone()),
                    // An Avro union is anonymous: only its branches are named.
                    Some(Def::Union(u)) => pending.extend(u.variants.iter().rev().map(|v| &v.ty)),
                    None => {}
                }
            }
            _ => {}
        }
    }
    (references, defines)
}

/// Appends `name` unless `names` holds it already.
fn push_unique(names: &mut Vec<String>, name: &str) {
    if !names.iter().any(|n| n == name) {
        names.push(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::avro::to_avro_json;
    use crate::compat::{parse_schema, parse_schema_with_references};
    use crate::model::{EnumDef, Field, ModelBuilder, RecordDef};
    use crate::SchemaFormat;

    fn record(b: &mut ModelBuilder, name: &str, fields: Vec<Field>) {
        b.begin(name, "test");
        b.define(Def::Record(RecordDef {
            full_name: name.into(),
            fields,
            ..Default::default()
        }));
    }

    fn named(name: &str) -> Ty {
        Ty::Named(name.into())
    }

    /// Order → [Item] → Status (a referenced enum), Item also → Money (inline).
    fn order_model(mark: &[&str]) -> TypeModel {
        let mut b = ModelBuilder::new();
        record(
            &mut b,
            "shop.Order",
            vec![
                Field::new("items", Ty::Array(Box::new(named("shop.Item")))),
                Field::new("status", named("shop.Status")),
            ],
        );
        record(
            &mut b,
            "shop.Item",
            vec![
                Field::new("status", named("shop.Status")),
                Field::new("price", named("shop.Money")),
            ],
        );
        record(
            &mut b,
            "shop.Money",
            vec![Field::new("cents", Ty::Long(crate::model::IntKind::I64))],
        );
        b.begin("shop.Status", "test");
        b.define(Def::Enum(EnumDef {
            full_name: "shop.Status".into(),
            symbols: vec!["NEW".into()],
            ..Default::default()
        }));
        for m in mark {
            b.mark_reference(m);
        }
        b.finish(named("shop.Order")).unwrap()
    }

    #[test]
    fn no_reference_means_no_registered_view_and_the_same_schema() {
        let model = order_model(&[]);
        assert_eq!(avro_with_references(&model), Ok(None));
        assert_eq!(
            json_with_references(&model, JsonSchemaDraft::Draft2020_12, None),
            Ok(None)
        );
        assert_eq!(to_avro_json_referencing(&model, None), to_avro_json(&model));
    }

    #[test]
    fn referenced_types_come_before_the_schemas_that_use_them() {
        let model = order_model(&["shop.Item", "shop.Status", "shop.Order"]);
        // The root is never its own reference.
        assert_eq!(model.references, ["shop.Item", "shop.Status"]);
        let avro = avro_with_references(&model).unwrap().unwrap();
        assert_eq!(
            avro.text,
            r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"items","type":{"type":"array","items":"shop.Item"}},{"name":"status","type":"shop.Status"}]}"#
        );
        assert_eq!(avro.references, ["shop.Item", "shop.Status"]);
        let names: Vec<_> = avro.referenced.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["shop.Status", "shop.Item"]);
        assert_eq!(
            avro.referenced[0].text,
            r#"{"type":"enum","name":"Status","namespace":"shop","symbols":["NEW"]}"#
        );
        assert!(avro.referenced[0].references.is_empty());
        assert_eq!(
            avro.referenced[1].text,
            r#"{"type":"record","name":"Item","namespace":"shop","fields":[{"name":"status","type":"shop.Status"},{"name":"price","type":{"type":"record","name":"Money","fields":[{"name":"cents","type":"long"}]}}]}"#
        );
        assert_eq!(avro.referenced[1].references, ["shop.Status"]);
        // Parsed with its references, as a registry does, it is the self-contained schema.
        let pairs: Vec<(&str, &str)> = avro
            .referenced
            .iter()
            .map(|r| (r.name.as_str(), r.text.as_str()))
            .collect();
        let resolved =
            parse_schema_with_references(SchemaFormat::Avro, &avro.text, &pairs).unwrap();
        let inline = parse_schema(SchemaFormat::Avro, &to_avro_json(&model).to_string()).unwrap();
        assert_eq!(resolved.normalized(), inline.normalized());

        let json = json_with_references(&model, JsonSchemaDraft::Draft2020_12, None)
            .unwrap()
            .unwrap();
        assert_eq!(json.references, ["shop.Item.json", "shop.Status.json"]);
        assert_eq!(
            json.text,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Order","type":"object","properties":{"items":{"type":"array","items":{"$ref":"shop.Item.json"}},"status":{"$ref":"shop.Status.json"}},"required":["items","status"]}"#
        );
        assert_eq!(json.referenced[1].name, "shop.Item.json");
        assert_eq!(
            json.referenced[1].text,
            r##"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Item","type":"object","properties":{"status":{"$ref":"shop.Status.json"},"price":{"$ref":"#/$defs/shop.Money"}},"required":["status","price"],"$defs":{"shop.Money":{"title":"Money","type":"object","properties":{"cents":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807}},"required":["cents"]}}}"##
        );
    }

    #[test]
    fn an_inline_type_in_two_avro_schemas_is_refused() {
        let mut b = ModelBuilder::new();
        record(
            &mut b,
            "shop.Order",
            vec![
                Field::new("item", named("shop.Item")),
                Field::new("total", named("shop.Money")),
            ],
        );
        record(
            &mut b,
            "shop.Item",
            vec![Field::new("price", named("shop.Money"))],
        );
        record(&mut b, "shop.Money", vec![]);
        b.mark_reference("shop.Item");
        let model = b.finish(named("shop.Order")).unwrap();
        assert_eq!(
            avro_with_references(&model),
            Err(ReferenceError::Redefined {
                name: "shop.Money".into(),
                first: "shop.Order".into(),
                second: "shop.Item".into(),
            })
        );
        // JSON documents each hold their own `$defs`.
        assert!(json_with_references(&model, JsonSchemaDraft::Draft2020_12, None).is_ok());
    }

    #[test]
    fn references_that_refer_to_each_other_are_refused() {
        let mut b = ModelBuilder::new();
        record(&mut b, "a.Root", vec![Field::new("x", named("a.X"))]);
        record(&mut b, "a.X", vec![Field::new("y", named("a.Y"))]);
        record(
            &mut b,
            "a.Y",
            vec![Field::new(
                "x",
                Ty::Optional {
                    inner: Box::new(named("a.X")),
                    null_first: true,
                },
            )],
        );
        b.mark_reference("a.X");
        b.mark_reference_in(&Ty::Array(Box::new(named("a.Y"))));
        let model = b.finish(named("a.Root")).unwrap();
        assert_eq!(
            avro_with_references(&model),
            Err(ReferenceError::Cycle("a.X → a.Y → a.X".into()))
        );
    }
}
