//! Avro reader/writer compatibility, following Avro Java's `SchemaCompatibility`
//! (`lang/java/avro/src/main/java/org/apache/avro/SchemaCompatibility.java`), which the
//! Confluent registry calls from `AvroSchema.isBackwardCompatible`.
//!
//! Rules, for a reader schema reading data written with a writer schema:
//! - primitives must match, or the writer's type must promote to the reader's:
//!   `int → long, float, double`, `long → float, double`, `float → double`, `string ↔ bytes`;
//! - records: every reader field must exist in the writer (by name, or by one of the reader
//!   field's aliases: Java's `lookupWriterField`) or have a default; writer-only fields are
//!   skipped; a reader field whose name and aliases match more than one writer field is an
//!   error in Java (`AvroRuntimeException`, which Confluent reports as incompatible), here
//!   [`READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS`](IncompatibilityKind::ReaderFieldMatchesMultipleWriterFields);
//! - enums: writer symbols missing from the reader need the reader's enum `default`;
//! - fixed: sizes must be equal;
//! - record, enum and fixed names (Java's `checkSchemaNames` / `schemaNameEquals`): the
//!   *unqualified* names must be equal, or the reader's aliases must contain the writer's
//!   full name. A changed namespace alone is therefore no break, a rename needs an alias
//!   (apache-avro's own `schema_compatibility` ignores these aliases);
//! - unions: every writer branch must be readable by the reader (by some reader branch when
//!   the reader is a union, tried in order as Java does, so a named branch matches by the
//!   same name rule); a non-union writer needs a reader branch that reads it;
//! - logical types are read as their underlying types (Java does not compare them either).
//!
//! The verdict is Java's in every case. Two reports differ in their kind, on purpose:
//! - when no reader union branch reads a writer type but one is plainly meant for it (the
//!   same named type, or the same kind of array or map), that branch's own problems are
//!   reported (e.g. `READER_FIELD_MISSING_DEFAULT_VALUE` inside an optional record), where
//!   Java reports only `MISSING_UNION_BRANCH`;
//! - a reader field of an enum type that has an enum default but no field default, missing
//!   from the writer, is `READER_FIELD_MISSING_DEFAULT_VALUE`; Java compares that enum with
//!   the writer *record* and so reports `TYPE_MISMATCH`.
//!
//! Recursive schemas terminate: a pair of named types already being checked is assumed
//! compatible while its own check is in progress.

mod depth;
mod shape;
#[cfg(test)]
mod tests;

pub(crate) use depth::check_depth;
pub use depth::MAX_AVRO_DEPTH;

use std::collections::{HashMap, HashSet};

use apache_avro::schema::{Alias, EnumSchema, FixedSchema, Name, RecordSchema, UnionSchema};
use apache_avro::Schema;

use super::report::{Incompatibility, IncompatibilityKind};
use shape::{NameTable, Shape};

/// Lists why `reader` cannot read data written with `writer`; empty when it can.
///
/// ```
/// use apache_avro::Schema;
/// use streamhouse_schema_core::compat::avro::can_read;
///
/// let writer = Schema::parse_str(r#"{"type":"record","name":"Order","fields":[
///     {"name":"id","type":"int"}]}"#).unwrap();
/// let reader = Schema::parse_str(r#"{"type":"record","name":"Order","fields":[
///     {"name":"id","type":"long"},
///     {"name":"amount","type":"double"}]}"#).unwrap();
/// let problems = can_read(&reader, &writer);
/// assert_eq!(problems.len(), 1);
/// assert_eq!(problems[0].path, "/fields/amount");
/// assert_eq!(
///     problems[0].message,
///     "reader field 'amount' has no default and is missing from the writer"
/// );
/// ```
pub fn can_read(reader: &Schema, writer: &Schema) -> Vec<Incompatibility> {
    let mut checker = Checker {
        reader_names: NameTable::collect(reader),
        writer_names: NameTable::collect(writer),
        in_progress: HashSet::new(),
        finished: HashMap::new(),
    };
    checker.check(reader, writer)
}

/// A pair of named types (reader full name, writer full name).
type NamedPair = (String, String);

struct Checker<'r, 'w> {
    reader_names: NameTable<'r>,
    writer_names: NameTable<'w>,
    /// Named pairs whose check is running further up the stack (recursion guard).
    in_progress: HashSet<NamedPair>,
    /// Results of finished named-pair checks, with paths relative to the named type.
    finished: HashMap<NamedPair, Vec<Incompatibility>>,
}

impl<'r, 'w> Checker<'r, 'w> {
    /// Checks one reader node against one writer node; paths are relative to these nodes.
    fn check(&mut self, reader: &'r Schema, writer: &'w Schema) -> Vec<Incompatibility> {
        let r = Shape::of(reader, &self.reader_names);
        let w = Shape::of(writer, &self.writer_names);
        self.check_shapes(r, w)
    }

    fn check_shapes(&mut self, r: Shape<'r>, w: Shape<'w>) -> Vec<Incompatibility> {
        match (r, w) {
            (_, Shape::Unresolved(_)) | (Shape::Unresolved(_), _) => vec![type_mismatch(r, w)],
            // A writer union is readable when each of its branches is.
            (_, Shape::Union(writer_union)) => self.check_writer_union(r, writer_union),
            (Shape::Union(reader_union), _) => self.check_reader_union(reader_union, w),
            (Shape::Array(ri), Shape::Array(wi)) => prefixed("/items", self.check(ri, wi)),
            (Shape::Map(rv), Shape::Map(wv)) => prefixed("/values", self.check(rv, wv)),
            (Shape::Record(rr), Shape::Record(wr)) => {
                let names = (rr.name.fullname(None), wr.name.fullname(None));
                self.memoized(names, |c| c.check_record(rr, wr))
            }
            (Shape::Enum(re), Shape::Enum(we)) => {
                let names = (re.name.fullname(None), we.name.fullname(None));
                self.memoized(names, |_| check_enum(re, we))
            }
            (Shape::Fixed(rf), Shape::Fixed(wf)) => {
                let names = (rf.name.fullname(None), wf.name.fullname(None));
                self.memoized(names, |_| check_fixed(rf, wf))
            }
            _ if reads_primitive(r, w) => Vec::new(),
            _ => vec![type_mismatch(r, w)],
        }
    }

    /// Runs `check` for a pair of named types once; recursion into the same pair is assumed
    /// compatible while the pair is being checked.
    fn memoized(
        &mut self,
        names: NamedPair,
        check: impl FnOnce(&mut Self) -> Vec<Incompatibility>,
    ) -> Vec<Incompatibility> {
        if let Some(done) = self.finished.get(&names) {
            return done.clone();
        }
        if !self.in_progress.insert(names.clone()) {
            return Vec::new();
        }
        let found = check(self);
        self.in_progress.remove(&names);
        self.finished.insert(names, found.clone());
        found
    }

    fn check_record(&mut self, r: &'r RecordSchema, w: &'w RecordSchema) -> Vec<Incompatibility> {
        let mut found = Vec::new();
        if !names_match(&r.name, &r.aliases, &w.name) {
            found.push(name_mismatch("record", &r.name, &w.name));
        }
        for reader_field in &r.fields {
            let path = format!("/fields/{}", reader_field.name);
            // Java's `lookupWriterField`: the writer field named like the reader field or
            // like one of its aliases; the writer's field aliases play no part.
            let mut writer_fields = std::iter::once(&reader_field.name)
                .chain(reader_field.aliases.iter())
                .filter_map(|name| w.fields.iter().find(|f| &f.name == name));
            let writer_field = writer_fields.next();
            if let (Some(first), Some(second)) = (writer_field, writer_fields.next()) {
                found.push(Incompatibility::new(
                    IncompatibilityKind::ReaderFieldMatchesMultipleWriterFields,
                    path,
                    format!(
                        "reader field '{}' matches the writer fields '{}' and '{}' by its \
                         name and aliases",
                        reader_field.name, first.name, second.name
                    ),
                ));
                continue;
            }
            match writer_field {
                Some(writer_field) => {
                    let nested = self.check(&reader_field.schema, &writer_field.schema);
                    found.extend(prefixed(&path, nested).into_iter().map(|mut problem| {
                        problem.message =
                            format!("field '{}': {}", reader_field.name, problem.message);
                        problem
                    }));
                }
                None if reader_field.default.is_some() => {}
                None => found.push(Incompatibility::new(
                    IncompatibilityKind::ReaderFieldMissingDefaultValue,
                    path,
                    format!(
                        "reader field '{}' has no default and is missing from the writer",
                        reader_field.name
                    ),
                )),
            }
        }
        found
    }

    /// Every writer branch must be readable by the reader.
    fn check_writer_union(&mut self, r: Shape<'r>, w: &'w UnionSchema) -> Vec<Incompatibility> {
        let mut found = Vec::new();
        for (index, branch) in w.variants().iter().enumerate() {
            let branch_shape = Shape::of(branch, &self.writer_names);
            match r {
                Shape::Union(reader_union) => {
                    if self.any_branch_reads(reader_union, branch_shape) {
                        continue;
                    }
                    let path = format!("/{index}");
                    match self.counterpart_problems(reader_union, branch_shape) {
                        Some(problems) => found.extend(prefixed(&path, problems)),
                        None => found.push(Incompatibility::new(
                            IncompatibilityKind::MissingUnionBranch,
                            path,
                            format!(
                                "writer union branch {index} ({}) matches no branch of the \
                                 reader union",
                                branch_shape.describe()
                            ),
                        )),
                    }
                }
                _ => {
                    let nested = self.check_shapes(r, branch_shape);
                    found.extend(nested.into_iter().map(|mut problem| {
                        problem.message = format!(
                            "{} (writer union branch {index} is not readable by the \
                             non-union reader)",
                            problem.message
                        );
                        problem
                    }));
                }
            }
        }
        found
    }

    /// A non-union writer needs a reader branch that reads it.
    fn check_reader_union(&mut self, r: &'r UnionSchema, w: Shape<'w>) -> Vec<Incompatibility> {
        if self.any_branch_reads(r, w) {
            return Vec::new();
        }
        if let Some(problems) = self.counterpart_problems(r, w) {
            return problems;
        }
        vec![Incompatibility::new(
            IncompatibilityKind::MissingUnionBranch,
            "",
            format!(
                "writer type {} matches no branch of the reader union",
                w.describe()
            ),
        )]
    }

    /// When no reader branch reads `w` but one is clearly meant to (the same named type,
    /// or the same kind of array or map), that branch's own problems explain more than
    /// "no branch matches": e.g. a missing default deep inside an optional record.
    fn counterpart_problems(
        &mut self,
        r: &'r UnionSchema,
        w: Shape<'w>,
    ) -> Option<Vec<Incompatibility>> {
        let counterpart = r.variants().iter().find_map(|branch| {
            let shape = Shape::of(branch, &self.reader_names);
            is_counterpart(shape, w).then_some(shape)
        })?;
        Some(self.check_shapes(counterpart, w))
    }

    fn any_branch_reads(&mut self, r: &'r UnionSchema, w: Shape<'w>) -> bool {
        r.variants().iter().any(|branch| {
            let branch_shape = Shape::of(branch, &self.reader_names);
            self.check_shapes(branch_shape, w).is_empty()
        })
    }
}

fn check_enum(r: &EnumSchema, w: &EnumSchema) -> Vec<Incompatibility> {
    let mut found = Vec::new();
    if !names_match(&r.name, &r.aliases, &w.name) {
        found.push(name_mismatch("enum", &r.name, &w.name));
    }
    let missing: Vec<&str> = w
        .symbols
        .iter()
        .filter(|symbol| !r.symbols.contains(symbol))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() && r.default.is_none() {
        found.push(Incompatibility::new(
            IncompatibilityKind::MissingEnumSymbols,
            "/symbols",
            format!(
                "reader enum '{}' lacks the writer's symbols [{}] and has no default symbol",
                r.name.fullname(None),
                missing.join(", ")
            ),
        ));
    }
    found
}

fn check_fixed(r: &FixedSchema, w: &FixedSchema) -> Vec<Incompatibility> {
    let mut found = Vec::new();
    if !names_match(&r.name, &r.aliases, &w.name) {
        found.push(name_mismatch("fixed", &r.name, &w.name));
    }
    if r.size != w.size {
        found.push(Incompatibility::new(
            IncompatibilityKind::FixedSizeMismatch,
            "/size",
            format!(
                "fixed '{}' has size {} in the reader but {} in the writer",
                r.name.fullname(None),
                r.size,
                w.size
            ),
        ));
    }
    found
}

/// Java's `SchemaCompatibility.schemaNameEquals`: equal *unqualified* names
/// (`reader.getName()`, so the namespace plays no part), or the writer's full name is one of
/// the reader's aliases (aliases are full names, relative ones taken in the reader's
/// namespace, as `Schema.getAliases` returns them).
fn names_match(reader: &Name, reader_aliases: &Option<Vec<Alias>>, writer: &Name) -> bool {
    let writer_full = writer.fullname(None);
    reader.name() == writer.name()
        || reader_aliases
            .iter()
            .flatten()
            .any(|alias| alias.fullname(None) == writer_full)
}

/// Java's `checkSchemaNames` failure (`NAME_MISMATCH` at `name`): only a rename can get
/// here, since equal unqualified names always match.
fn name_mismatch(kind: &str, reader: &Name, writer: &Name) -> Incompatibility {
    let reader_full = reader.fullname(None);
    let writer_full = writer.fullname(None);
    Incompatibility::new(
        IncompatibilityKind::NameMismatch,
        "/name",
        format!(
            "reader {kind} '{reader_full}' does not match writer {kind} '{writer_full}' \
             (renamed); add the alias '{writer_full}' to the reader {kind}"
        ),
    )
}

/// Whether a reader union branch is the one meant for a writer type: same kind of
/// container, or a named type of the same kind whose name matches (unqualified name or
/// alias, as [`names_match`]).
fn is_counterpart(r: Shape<'_>, w: Shape<'_>) -> bool {
    match (r, w) {
        (Shape::Array(_), Shape::Array(_)) | (Shape::Map(_), Shape::Map(_)) => true,
        (Shape::Record(r), Shape::Record(w)) => names_match(&r.name, &r.aliases, &w.name),
        (Shape::Enum(r), Shape::Enum(w)) => names_match(&r.name, &r.aliases, &w.name),
        (Shape::Fixed(r), Shape::Fixed(w)) => names_match(&r.name, &r.aliases, &w.name),
        _ => false,
    }
}

/// Equal primitive types, or one of Avro's promotions from writer to reader.
fn reads_primitive(r: Shape<'_>, w: Shape<'_>) -> bool {
    use Shape::*;
    matches!(
        (r, w),
        (Null, Null)
            | (Boolean, Boolean)
            | (Int, Int)
            | (Long, Long | Int)
            | (Float, Float | Int | Long)
            | (Double, Double | Int | Long | Float)
            | (Bytes, Bytes | String)
            | (String, String | Bytes)
    )
}

fn type_mismatch(r: Shape<'_>, w: Shape<'_>) -> Incompatibility {
    Incompatibility::new(
        IncompatibilityKind::TypeMismatch,
        "",
        format!(
            "reader type {} cannot read writer type {}",
            r.describe(),
            w.describe()
        ),
    )
}

/// Puts `prefix` in front of the (relative) paths of nested problems.
fn prefixed(prefix: &str, nested: Vec<Incompatibility>) -> Vec<Incompatibility> {
    nested
        .into_iter()
        .map(|mut problem| {
            problem.path = format!("{prefix}{}", problem.path);
            problem
        })
        .collect()
}
