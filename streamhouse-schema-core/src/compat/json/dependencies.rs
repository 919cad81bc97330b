//! `dependencies` (drafts 4 to 7), `dependentRequired` and `dependentSchemas` (2019-09
//! and later), as Confluent's `ObjectSchemaDiff.compareDependencies` compares them (writer =
//! Java's *original*, reader = its *update*):
//! - a property dependency (a list of property names) only the reader has is
//!   `DEPENDENCY_ARRAY_ADDED`; one listing more names than the writer's is
//!   `DEPENDENCY_ARRAY_EXTENDED`, other names `DEPENDENCY_ARRAY_CHANGED`; fewer names
//!   (`DEPENDENCY_ARRAY_NARROWED`) and a removed one (`DEPENDENCY_ARRAY_REMOVED`) are fine;
//! - a schema dependency only the reader has is `DEPENDENCY_SCHEMA_ADDED`; one both have is
//!   compared as a schema; a removed one (`DEPENDENCY_SCHEMA_REMOVED`) is fine.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{nested, Checker};
use crate::compat::report::{Incompatibility, IncompatibilityKind};

/// One dependency of a schema, by the property that triggers it.
enum Dependency<'v> {
    /// The properties that must be present too.
    Properties(Vec<&'v str>),
    /// The schema the whole object must then match.
    Schema(&'v Value),
}

/// The dependencies of a schema, from either spelling, with the keyword they came from.
fn dependencies(schema: &Map<String, Value>) -> BTreeMap<&str, (&'static str, Dependency<'_>)> {
    let mut found = BTreeMap::new();
    for keyword in ["dependencies", "dependentRequired", "dependentSchemas"] {
        let Some(Value::Object(entries)) = schema.get(keyword) else {
            continue;
        };
        for (name, value) in entries {
            let dependency = match value {
                Value::Array(names) if keyword != "dependentSchemas" => {
                    Dependency::Properties(names.iter().filter_map(Value::as_str).collect())
                }
                Value::Object(_) | Value::Bool(_) if keyword != "dependentRequired" => {
                    Dependency::Schema(value)
                }
                _ => continue,
            };
            found.insert(name.as_str(), (keyword, dependency));
        }
    }
    found
}

impl Checker<'_> {
    /// Property and schema dependencies.
    pub(super) fn compare_dependencies(
        &mut self,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
    ) -> Vec<Incompatibility> {
        let writer_deps = dependencies(writer);
        let mut found = Vec::new();
        for (name, (keyword, reader_dep)) in dependencies(reader) {
            let path = format!("/{keyword}/{name}");
            let writer_dep = writer_deps.get(name).map(|(_, dep)| dep);
            match (reader_dep, writer_dep) {
                (Dependency::Properties(_), None | Some(Dependency::Schema(_))) => {
                    found.push(Incompatibility::new(
                        IncompatibilityKind::DependencyArrayAdded,
                        path,
                        format!(
                            "the reader requires other properties whenever '{name}' is \
                             present, which the writer did not"
                        ),
                    ));
                }
                (
                    Dependency::Properties(reader_names),
                    Some(Dependency::Properties(writer_names)),
                ) => {
                    let extra: Vec<&str> = reader_names
                        .iter()
                        .copied()
                        .filter(|n| !writer_names.contains(n))
                        .collect();
                    if extra.is_empty() {
                        continue;
                    }
                    let kind = if writer_names.iter().all(|n| reader_names.contains(n)) {
                        IncompatibilityKind::DependencyArrayExtended
                    } else {
                        IncompatibilityKind::DependencyArrayChanged
                    };
                    found.push(Incompatibility::new(
                        kind,
                        path,
                        format!(
                            "the reader also requires [{}] whenever '{name}' is present",
                            extra.join(", ")
                        ),
                    ));
                }
                (Dependency::Schema(_), None | Some(Dependency::Properties(_))) => {
                    found.push(Incompatibility::new(
                        IncompatibilityKind::DependencySchemaAdded,
                        path,
                        format!(
                            "the reader requires a schema whenever '{name}' is present, which \
                             the writer did not"
                        ),
                    ));
                }
                (Dependency::Schema(reader_schema), Some(Dependency::Schema(writer_schema))) => {
                    let problems = self.check(reader_schema, writer_schema);
                    found.extend(nested(&path, &format!("dependency of '{name}'"), problems));
                }
            }
        }
        found
    }
}
