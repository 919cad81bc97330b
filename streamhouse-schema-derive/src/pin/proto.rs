//! Protobuf pins: where a finding of the Protobuf rules sits in the type, and how to fix
//! it. Paths are the checker's: `/package`, `/Message` (removed), `/Message/fields/N` and
//! `/Message/oneofs/name`, with message names relative to the package.

use prost_types::{DescriptorProto, FileDescriptorProto};
use streamhouse_schema_core::compat::IncompatibilityKind as Kind;

use super::locate::Location;
use super::verdict::{Direction, Finding};

/// The two files of a finding.
pub struct Files<'a> {
    /// The type's generated file.
    pub current: &'a FileDescriptorProto,
    /// The pinned version the finding is about.
    pub pinned: &'a FileDescriptorProto,
}

impl Files<'_> {
    /// The file whose numbers a finding's path uses for `kind`: a renumbered field's is
    /// the writer's (the pinned file when new readers read old records).
    fn numbering(&self, finding: &Finding) -> [&FileDescriptorProto; 2] {
        match (finding.problem.kind, finding.direction) {
            (Kind::FieldRenumbered, Direction::NewReadsOld) => [self.pinned, self.current],
            _ => [self.current, self.pinned],
        }
    }
}

/// The message of `file` with the package-relative name `local` (`Order.Entry` nests).
fn message<'f>(file: &'f FileDescriptorProto, local: &str) -> Option<&'f DescriptorProto> {
    let mut parts = local.split('.');
    let first = parts.next()?;
    let mut found = file.message_type.iter().find(|m| m.name() == first)?;
    for part in parts {
        found = found.nested_type.iter().find(|m| m.name() == part)?;
    }
    Some(found)
}

/// The package-relative name a field's `type_name` (`.pkg.Order`) refers to.
fn local_type<'n>(file: &FileDescriptorProto, type_name: &'n str) -> &'n str {
    let name = type_name.trim_start_matches('.');
    match file.package.as_deref() {
        Some(pkg) if !pkg.is_empty() => name
            .strip_prefix(pkg)
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(name),
        _ => name,
    }
}

fn field_name(file: &FileDescriptorProto, local: &str, number: i32) -> Option<String> {
    message(file, local)?
        .field
        .iter()
        .find(|f| f.number() == number)
        .map(|f| f.name().to_string())
}

/// The root message's field whose type leads (through any depth of messages) to `target`.
fn root_field_to(file: &FileDescriptorProto, target: &str) -> Option<String> {
    let root = file.message_type.first()?;
    root.field.iter().find_map(|f| {
        let mut seen = Vec::new();
        reaches(file, f.type_name(), target, &mut seen).then(|| f.name().to_string())
    })
}

fn reaches<'f>(
    file: &'f FileDescriptorProto,
    type_name: &'f str,
    target: &str,
    seen: &mut Vec<&'f str>,
) -> bool {
    if type_name.is_empty() {
        return false;
    }
    let local = local_type(file, type_name);
    if local == target {
        return true;
    }
    if seen.contains(&local) {
        return false;
    }
    seen.push(local);
    let Some(m) = message(file, local) else {
        return false;
    };
    let nested = m
        .nested_type
        .iter()
        .flat_map(|n| n.field.iter())
        .map(|f| f.type_name());
    m.field
        .iter()
        .map(|f| f.type_name())
        .chain(nested)
        .any(|t| reaches(file, t, target, seen))
}

/// The field of the pinned file that referred to the removed message `removed`:
/// (holding message, field).
fn referrer(file: &FileDescriptorProto, removed: &str) -> Option<(String, String)> {
    let mut found = None;
    for m in &file.message_type {
        for f in &m.field {
            if found.is_none()
                && !f.type_name().is_empty()
                && local_type(file, f.type_name()) == removed
            {
                found = Some((m.name().to_string(), f.name().to_string()));
            }
        }
    }
    found
}

/// Where the finding sits, relative to the annotated type (the file's first message).
pub fn locate(files: &Files<'_>, finding: &Finding) -> Location {
    let path = finding.problem.path.as_str();
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let (Some(msg), rest) = (segments.next(), segments.collect::<Vec<_>>()) else {
        return Location::default();
    };
    if finding.problem.kind == Kind::PackageChanged {
        return Location::default();
    }
    // (holding message, field) the problem is about.
    let (holder, field) = match rest.as_slice() {
        ["fields", number] => {
            let number = number.parse::<i32>().unwrap_or(0);
            let name = files
                .numbering(finding)
                .iter()
                .find_map(|file| field_name(file, msg, number));
            (msg.to_string(), name)
        }
        ["oneofs", name] => (msg.to_string(), Some((*name).to_string())),
        [] if finding.problem.kind == Kind::MessageRemoved => match referrer(files.pinned, msg) {
            Some((holder, field)) => (holder, Some(field)),
            None => (msg.to_string(), None),
        },
        _ => (msg.to_string(), None),
    };
    let root = files
        .current
        .message_type
        .first()
        .map(DescriptorProto::name);
    if Some(holder.as_str()) == root {
        return Location {
            root_field: field,
            nested: Vec::new(),
        };
    }
    let root_field =
        root_field_to(files.current, &holder).or_else(|| root_field_to(files.pinned, &holder));
    let step = match field {
        Some(f) => format!("{holder}.{f}"),
        None => holder,
    };
    Location {
        root_field,
        nested: vec![step],
    }
}

/// The smallest number above every field number and reserved range of `local` in both files.
fn next_free_number(files: &Files<'_>, local: &str) -> i32 {
    [files.current, files.pinned]
        .iter()
        .filter_map(|file| message(file, local))
        .flat_map(|m| {
            let fields = m.field.iter().map(|f| f.number());
            let reserved = m.reserved_range.iter().map(|r| r.end().saturating_sub(1));
            fields.chain(reserved).collect::<Vec<_>>()
        })
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// How to fix the finding.
pub fn hint(files: &Files<'_>, finding: &Finding) -> String {
    let p = &finding.problem;
    let mut segments = p.path.split('/').filter(|s| !s.is_empty());
    let msg = segments.next().unwrap_or_default();
    let number = match (segments.next(), segments.next()) {
        (Some("fields"), Some(n)) => n.parse::<i32>().ok(),
        _ => None,
    };
    let names = number.map(|n| {
        (
            field_name(files.current, msg, n),
            field_name(files.pinned, msg, n),
        )
    });
    match p.kind {
        Kind::FieldScalarKindChanged | Kind::FieldKindChanged | Kind::FieldNamedTypeChanged => {
            match (number, names) {
                (Some(n), Some((Some(now), Some(before)))) if now != before => format!(
                    "number {n} belonged to `{before}` in the pinned schema, and records already written hold \
                     `{before}` values under it: give `{now}` an unused number (#[stream_schema(tag = {})]) and \
                     keep {n} retired with #[stream_schema(reserved({n}))] on `{msg}`",
                    next_free_number(files, msg)
                ),
                (Some(n), _) => format!(
                    "keep the field's wire type: a type may only change within its wire-compatible group \
                     (int32/int64/uint32/uint64/bool/enum, sint32/sint64, string/bytes, fixed32/sfixed32, \
                     fixed64/sfixed64); for another type add a new field with an unused number \
                     (#[stream_schema(tag = {})]) and reserve {n}",
                    next_free_number(files, msg)
                ),
                _ => "keep the field's wire type".to_string(),
            }
        }
        Kind::FieldNumericLabelChanged => {
            "keep the field singular (or repeated): numbers are encoded differently in each shape; \
             for the other shape add a new field with an unused number"
                .to_string()
        }
        Kind::MessageRemoved => format!(
            "records written with the pinned schema may hold a `{msg}`: keep the field that carries it \
             (with its number), or stop using it only in a new pinned version for a new subject"
        ),
        Kind::PackageChanged => {
            let old = files.pinned.package();
            format!(
                "the package is the type's namespace: keep #[stream_schema(namespace = \"{old}\")]"
            )
        }
        Kind::FieldRenumbered => {
            let [writer, _] = files.numbering(finding);
            let name = number.and_then(|n| field_name(writer, msg, n));
            let old = name.as_deref().and_then(|name| {
                message(files.pinned, msg)?
                    .field
                    .iter()
                    .find(|f| f.name() == name)
                    .map(|f| f.number())
            });
            match (name, old) {
                (Some(name), Some(old)) => format!(
                    "give `{name}` back its pinned number: #[stream_schema(tag = {old})] (tags written \
                     out keep numbers stable when fields are added or reordered)"
                ),
                _ => "give the field back its pinned number with #[stream_schema(tag = N)]".to_string(),
            }
        }
        Kind::OneofFieldRemoved => {
            "keep the variant in the oneof: records already written may hold it".to_string()
        }
        _ => "restore the pinned shape of this message".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamhouse_schema_core::compat::{CompatibilityLevel, Incompatibility};
    use streamhouse_schema_core::proto_file::parse_proto;

    fn file(text: &str) -> FileDescriptorProto {
        parse_proto(text).unwrap()
    }

    fn finding(kind: Kind, path: &str, direction: Direction) -> Finding {
        Finding {
            version: 0,
            direction,
            problem: Incompatibility::new(kind, path, "m"),
        }
    }

    const PINNED: &str = r#"syntax = "proto3"; package shop;
        message Order { string id = 1; int32 qty = 2; repeated .shop.LineItem items = 3; }
        message LineItem { string sku = 1; optional .shop.Discount discount = 2; }
        message Discount { int32 percent = 1; }"#;

    #[test]
    fn root_fields_are_found_by_number_in_the_current_file_first() {
        let current = file(
            r#"syntax = "proto3"; package shop;
            message Order { string id = 1; string note = 2; repeated .shop.LineItem items = 3; }
            message LineItem { int64 sku = 1; }"#,
        );
        let pinned = file(PINNED);
        let files = Files {
            current: &current,
            pinned: &pinned,
        };
        let reused = finding(
            Kind::FieldScalarKindChanged,
            "/Order/fields/2",
            Direction::NewReadsOld,
        );
        assert_eq!(
            locate(&files, &reused),
            Location {
                root_field: Some("note".into()),
                nested: vec![]
            }
        );
        let h = hint(&files, &reused);
        assert!(
            h.contains("number 2 belonged to `qty`")
                && h.contains("tag = 4")
                && h.contains("reserved(2)"),
            "{h}"
        );
        // A nested message's field is reached through the root field that holds it.
        let nested = finding(
            Kind::FieldScalarKindChanged,
            "/LineItem/fields/1",
            Direction::NewReadsOld,
        );
        assert_eq!(
            locate(&files, &nested),
            Location {
                root_field: Some("items".into()),
                nested: vec!["LineItem.sku".into()]
            }
        );
        assert!(hint(&files, &nested).contains("wire-compatible group"));
        // A removed message is located at the pinned field that carried it.
        let removed = finding(Kind::MessageRemoved, "/Discount", Direction::NewReadsOld);
        assert_eq!(
            locate(&files, &removed),
            Location {
                root_field: Some("items".into()),
                nested: vec!["LineItem.discount".into()]
            }
        );
        let package = finding(Kind::PackageChanged, "/package", Direction::NewReadsOld);
        assert_eq!(locate(&files, &package), Location::default());
        assert!(hint(&files, &package).contains("namespace = \"shop\""));
    }

    #[test]
    fn a_renumbered_field_is_named_by_its_writer_number() {
        let pinned = file(PINNED);
        // Number 2 is now `note`, `qty` moved to 4: backward findings use the pinned number.
        let current = file(
            r#"syntax = "proto3"; package shop;
            message Order { string id = 1; int32 note = 2; int32 qty = 4; }"#,
        );
        let files = Files {
            current: &current,
            pinned: &pinned,
        };
        let backward = finding(
            Kind::FieldRenumbered,
            "/Order/fields/2",
            Direction::NewReadsOld,
        );
        assert_eq!(locate(&files, &backward).root_field.as_deref(), Some("qty"));
        assert!(hint(&files, &backward)
            .contains("give `qty` back its pinned number: #[stream_schema(tag = 2)]"));
        let forward = finding(
            Kind::FieldRenumbered,
            "/Order/fields/4",
            Direction::OldReadsNew,
        );
        assert_eq!(locate(&files, &forward).root_field.as_deref(), Some("qty"));
        assert!(hint(&files, &forward).contains("tag = 2"));
        // The verdict reports it in the same shape.
        let found = super::super::verdict::verdict(
            streamhouse_schema_core::SchemaFormat::Protobuf,
            CompatibilityLevel::Backward,
            &streamhouse_schema_core::proto_file::print_proto(&current),
            &[PINNED],
            &[],
        )
        .unwrap();
        assert!(found.iter().any(
            |f| f.problem.kind == Kind::FieldRenumbered && f.problem.path == "/Order/fields/2"
        ));
    }

    #[test]
    fn paths_outside_the_files_do_not_panic() {
        let pinned = file(PINNED);
        let files = Files {
            current: &pinned,
            pinned: &pinned,
        };
        for path in [
            "",
            "/",
            "/Nope/fields/x",
            "/Order/fields/99",
            "/Order/oneofs/pay",
            "/a/b/c/d",
        ] {
            let f = finding(Kind::FieldKindChanged, path, Direction::OldReadsNew);
            let _ = locate(&files, &f);
            assert!(!hint(&files, &f).is_empty());
        }
        let f = finding(
            Kind::FieldKindChanged,
            "/Order/fields/99",
            Direction::NewReadsOld,
        );
        assert_eq!(locate(&files, &f), Location::default());
    }
}
