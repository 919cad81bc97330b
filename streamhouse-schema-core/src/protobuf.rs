//! The Protobuf view of a type model (shared by the runtime, which registers it, and the
//! derive's compile-time `.proto` pins, which check it): one proto3 `FileDescriptorProto` with the root
//! message first, then every message and enum it needs, in the package named by the root's
//! namespace.
//!
//! Mapping (the runtime's generated codec, `streamhouse_schema::codec::proto`, writes
//! exactly this):
//!
//! | model | proto3 |
//! |---|---|
//! | `i8`, `i16`, `i32` / `u8`, `u16`, `u32` | `int32` / `uint32` |
//! | `i64` / `u64` | `int64` / `uint64` (or `sint*`/`fixed*`/`sfixed*` with `proto = "..."`) |
//! | `f32`, `f64`, `bool`, `String`, bytes | `float`, `double`, `bool`, `string`, `bytes` |
//! | `[u8; N]` (Avro fixed), `Vec<u8>` as an Avro array | `bytes` |
//! | `Option<T>` | `optional T` |
//! | `Vec<T>` | `repeated T` (packed for numbers and enums) |
//! | `HashMap/BTreeMap<String, V>` | `map<string, V>` |
//! | struct | `message` |
//! | unit-only enum | `enum` (numbers are the Rust discriminants; the first must be 0) |
//! | enum with data | a `message` holding `oneof value { ... }`: a unit variant is `google.protobuf.Empty`, a newtype variant its inner type, a struct variant a message |
//! | `#[stream_schema(oneof)] f: Option<E>` (E an enum with data) | `oneof f { ... }` declared inside the struct's message: E's variants are the struct's fields (as above), E is no message of its own |
//! | timestamps (UTC or local) | `google.protobuf.Timestamp` |
//! | uuid | `string` (36 characters, hyphenated) |
//! | date | `int32`, days since 1970-01-01 |
//! | time of day | `int64`, microseconds since midnight |
//! | decimal | `string` (its exact decimal text, e.g. `"12.50"`) |
//!
//! Every message and enum is written at its type's own full name (`full_name()`), so that a
//! reader looking a type up by name finds it where the writer put it:
//! - A type of another namespace (another package) is imported: a message whose field holds
//!   `billing.v2.Money` while the root is in `shop.v1` imports `billing/v2/Money.proto`, the
//!   very file `Money` has as a root of its own (its [`ProtoSchema::imports`] lists it, each
//!   imported file after the files it imports), and refers to `.billing.v2.Money`: what
//!   Confluent's Protobuf serializer registers as a schema reference.
//! - A namespace that is the full name of a message of the model, as `shop.v1.Order.Line`
//!   with `shop.v1.Order`, is Protobuf's naming of a nested message: `Line` is written
//!   inside `Order` (message-index path `[0, 0]`), in `Order`'s file.
//! - A type of the root's package that a type of another package needs (`shop.v1.Line` in
//!   `billing.v2.Money`, both used by `shop.v1.Order`) lives in a file of its own
//!   (`shop/v1/Line.proto`) that both files import: neither file imports the other back. A
//!   type two imported files need is defined once, in its own file, which both import.
//! - Types of two packages that refer to each other recursively cannot be written with their
//!   names (a file has one package, and files do not import each other):
//!   [`ProtoBuildError::PackageCycle`]. Nor can a type named as if nested in an enum
//!   ([`ProtoBuildError::NestedInEnum`]).
//!
//! `layout` decides which file holds each definition. Because a shared definition moves
//! into a file of its own, the file of a type of another package can differ from the one
//! that type has as a root of its own (it imports what it would otherwise define).
//!
//! In the type model an inline oneof is a record field with no Protobuf field number whose
//! type is an optional data enum (`Option<E>`): every other field of a Protobuf record has
//! a number (the derive requires it), and the oneof's numbers are those of E's variants. Its
//! Avro and JSON Schema views are unchanged: a nullable union of E's variants. A message's
//! `oneof_decl` lists its inline oneofs first, in field order, then the synthetic oneofs of
//! its `optional` fields, as protoc does.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    descriptor_proto::ReservedRange, DescriptorProto, EnumDescriptorProto,
    EnumValueDescriptorProto, FieldDescriptorProto, FieldOptions, FileDescriptorProto,
    MessageOptions, OneofDescriptorProto, UninterpretedOption,
};

use crate::model::{Def, EnumDef, Field, IntKind, ProtoInt, RecordDef, Ty, TypeModel, UnionDef};

mod layout;

use crate::proto_file::{quote_proto_string, FIELD_META};
use layout::{Layout, PlannedFile};

const TIMESTAMP: &str = ".google.protobuf.Timestamp";
const TIMESTAMP_FILE: &str = "google/protobuf/timestamp.proto";
const EMPTY: &str = ".google.protobuf.Empty";
const EMPTY_FILE: &str = "google/protobuf/empty.proto";
/// Confluent's annotations (`confluent.field_meta`), which every Confluent registry and
/// client resolves without registration.
const META_FILE: &str = "confluent/meta.proto";

/// The Protobuf schema of a type: its file descriptor, its `.proto` text, and where its
/// root message sits in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtoSchema {
    file: FileDescriptorProto,
    text: String,
    message_full_name: String,
    /// The full names of the model's definitions the file holds (each is also the full name
    /// of its message or enum in the file).
    names: HashSet<String>,
    /// The root message's message-index path in the file.
    root_path: Vec<i32>,
    /// The files the file imports that the model defines, each after the files it imports.
    imports: Vec<ProtoImport>,
}

/// A file a [`ProtoSchema`]'s file imports: the own file of a type of another package
/// (`billing/v2/Money.proto` for `billing.v2.Money`), registered as a schema reference
/// named by its import path.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtoImport {
    file: FileDescriptorProto,
    text: String,
}

impl ProtoImport {
    /// The import path (`billing/v2/Money.proto`): the reference's name, and by Confluent's
    /// default reference subject name strategy its subject.
    pub fn name(&self) -> &str {
        self.file.name()
    }

    /// The file's descriptor.
    pub fn file(&self) -> &FileDescriptorProto {
        &self.file
    }

    /// The file's `.proto` text (what is registered under the reference's subject).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The import paths of the files this one imports among the schema's imports (the
    /// well-known `google/protobuf/*` and `confluent/*` files left out, which registries
    /// resolve themselves).
    pub fn model_imports(&self) -> impl Iterator<Item = &str> {
        model_imports(&self.file)
    }
}

/// The imports of `file` that are no well-known file.
fn model_imports(file: &FileDescriptorProto) -> impl DoubleEndedIterator<Item = &str> {
    file.dependency
        .iter()
        .map(String::as_str)
        .filter(|name| !is_builtin_import(name))
}

/// Whether `name` is one of the files every Confluent client and registry resolves without
/// a reference (confluent-kafka-python `_is_builtin`: `confluent/`, `google/protobuf/` and
/// `google/type/` files).
pub fn is_builtin_import(name: &str) -> bool {
    name.starts_with("confluent/")
        || name.starts_with("google/protobuf/")
        || name.starts_with("google/type/")
}

/// Why a type model has no Protobuf view.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtoBuildError {
    /// The root type is not a struct or a data enum (Protobuf's top level holds messages).
    #[error("`{0}` is not a message: a Protobuf root must be a struct or an enum with data")]
    RootNotMessage(String),
    /// A field has no Protobuf field number.
    #[error("`{message}.{field}` has no Protobuf field number: add #[stream_schema(tag = N)]")]
    MissingTag {
        /// The message's full name.
        message: String,
        /// The field or variant.
        field: String,
    },
    /// A field's type has no Protobuf mapping (e.g. `Option<Vec<T>>`).
    #[error("`{message}.{field}`: {reason}")]
    Unsupported {
        /// The message's full name.
        message: String,
        /// The field or variant.
        field: String,
        /// What cannot be mapped.
        reason: String,
    },
    /// A unit enum whose first value is not 0 (proto3 requires it).
    #[error("enum `{0}`: the first value must be 0 in proto3")]
    EnumFirstNotZero(String),
    /// A named type referenced by the model is missing from it.
    #[error("the type model has no definition for `{0}`")]
    UndefinedName(String),
    /// Types of two packages (namespaces) refer to each other, directly or through other
    /// types: Protobuf writes each package in files of its own, files cannot import each
    /// other, and one file holds one package, so they cannot keep their names.
    #[error("`{first}` and `{second}` refer to each other but are in different packages (namespaces): Protobuf files cannot import each other, so their messages cannot keep their full names; give them one namespace")]
    PackageCycle {
        /// The first type of the cycle met from the root.
        first: String,
        /// A type of the cycle in another package.
        second: String,
    },
    /// A type's namespace is the full name of an enum: Protobuf nests types in messages
    /// only, so no message or enum can have its full name.
    #[error("`{nested}` is named as if nested in `{enclosing}`, which is an enum: Protobuf nests types in messages only; give `{nested}` another namespace")]
    NestedInEnum {
        /// The type's full name.
        nested: String,
        /// The enum its namespace names.
        enclosing: String,
    },
    /// The files built for the model do not compile together (a name defined twice in one
    /// scope, e.g.).
    #[error("the Protobuf files do not compile together: {0}")]
    DoesNotCompile(String),
}

impl ProtoSchema {
    /// Builds the Protobuf view of `model`: the root's file, importing the files of the
    /// types it does not hold (see the module docs).
    pub fn build(model: &TypeModel) -> Result<Self, ProtoBuildError> {
        let root = root_def(model)?;
        let layout = Layout::plan(model, root)?;
        let mut files = layout
            .files
            .iter()
            .enumerate()
            .map(|(index, planned)| build_file(model, &layout, index, planned))
            .collect::<Result<Vec<_>, _>>()?;
        disambiguate_enum_values(&mut files);
        let mut files = files.into_iter();
        let main = files
            .next()
            .ok_or_else(|| ProtoBuildError::RootNotMessage(root.full_name().to_string()))?;
        let others: BTreeMap<String, FileDescriptorProto> =
            files.map(|file| (file.name().to_string(), file)).collect();
        let imports = dependency_order(&main, &others);
        let text = crate::proto_file::print_proto(&main);
        if !imports.is_empty() {
            let texts: Vec<(&str, &str)> = imports.iter().map(|i| (i.name(), i.text())).collect();
            crate::proto_file::parse_proto_with_imports(&text, &texts)
                .map_err(|e| ProtoBuildError::DoesNotCompile(e.to_string()))?;
        }
        let root_name = root.full_name();
        let root_path = crate::proto_file::message_index_path(&main, root_name)
            .ok_or_else(|| ProtoBuildError::UndefinedName(root_name.to_string()))?;
        let names = layout
            .file_of
            .iter()
            .filter(|(_, &file)| file == 0)
            .map(|(name, _)| name.to_string())
            .collect();
        Ok(ProtoSchema {
            file: main,
            text,
            message_full_name: root_name.to_string(),
            names,
            root_path,
            imports,
        })
    }

    /// The files the schema's file imports that the type model defines (the own files of
    /// the types of other packages it uses), each after the files it imports: the order in
    /// which they are registered as references. Empty when the file imports none.
    pub fn imports(&self) -> &[ProtoImport] {
        &self.imports
    }

    /// The import paths of the files the schema's own file imports among
    /// [`imports`](Self::imports): the names of its direct references.
    pub fn model_imports(&self) -> impl Iterator<Item = &str> {
        model_imports(&self.file)
    }

    /// The file descriptor (what Confluent's serializers register, base64-encoded).
    pub fn file(&self) -> &FileDescriptorProto {
        &self.file
    }

    /// The `.proto` text of the file.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The Confluent message-index path of the root message: `[0]`, the file's first
    /// message, unless the root is named as nested in a message it needs (`[0, 0]` for
    /// `shop.v1.Order.Line` when `Line` refers to `shop.v1.Order`).
    pub fn message_indexes(&self) -> &[i32] {
        &self.root_path
    }

    /// The root message's full name in the model (`namespace.Name`).
    pub fn message_full_name(&self) -> &str {
        &self.message_full_name
    }

    /// Where the model's definition `full_name` (the root or a type it uses, named as that
    /// type's own `full_name()` names it) lives in this file: the full name of its message
    /// or enum there, which is `full_name` itself, or `None` when the file does not hold it
    /// (a type of an imported file, or none the model has).
    pub fn file_name_of(&self, full_name: &str) -> Option<&str> {
        self.names.get(full_name).map(String::as_str)
    }

    /// The Confluent message-index path of the model's definition `full_name` in this file
    /// (see [`file_name_of`](Self::file_name_of)); `None` for an enum or a type the file
    /// does not hold.
    pub fn message_index_path_of(&self, full_name: &str) -> Option<Vec<i32>> {
        crate::proto_file::message_index_path(&self.file, self.file_name_of(full_name)?)
    }
}

/// Builds the file descriptor of `model`: root message first, then what it needs (the
/// file of [`ProtoSchema::build`]).
pub fn file_descriptor(model: &TypeModel) -> Result<FileDescriptorProto, ProtoBuildError> {
    ProtoSchema::build(model).map(|schema| schema.file)
}

/// The root's definition, which must be a message.
fn root_def(model: &TypeModel) -> Result<&Def, ProtoBuildError> {
    let root = match &model.root {
        Ty::Named(n) => n.as_str(),
        other => return Err(ProtoBuildError::RootNotMessage(format!("{other:?}"))),
    };
    let root_def = model
        .def(root)
        .ok_or_else(|| ProtoBuildError::UndefinedName(root.to_string()))?;
    if matches!(root_def, Def::Enum(_)) {
        return Err(ProtoBuildError::RootNotMessage(root.to_string()));
    }
    Ok(root_def)
}

/// The namespace of a full name (`None` without one): a file's package.
fn namespace_of(full_name: &str) -> Option<&str> {
    full_name.rsplit_once('.').map(|(ns, _)| ns)
}

/// The import path of the own file of definition `full_name`: its package as folders, then
/// its simple name (`billing/v2/Money.proto`).
fn file_name_for(full_name: &str) -> String {
    match namespace_of(full_name) {
        Some(p) => format!("{}/{}.proto", p.replace('.', "/"), simple_name(full_name)),
        None => format!("{full_name}.proto"),
    }
}

/// The file `planned` of `layout` (number `index`): its definitions at their full names,
/// nested ones inside the messages that hold them, importing the files of the others.
fn build_file(
    model: &TypeModel,
    layout: &Layout<'_>,
    index: usize,
    planned: &PlannedFile<'_>,
) -> Result<FileDescriptorProto, ProtoBuildError> {
    let mut b = Builder {
        model,
        layout,
        index,
        imports: BTreeSet::new(),
    };
    let mut messages = Vec::new();
    let mut enums = Vec::new();
    for def in &planned.top {
        match def {
            Def::Enum(e) => enums.push(b.enumeration(e)?),
            _ => messages.push(b.message(def)?),
        }
    }
    Ok(FileDescriptorProto {
        name: Some(planned.name.clone()),
        package: planned.package.map(str::to_string),
        dependency: b.imports.into_iter().collect(),
        message_type: messages,
        enum_type: enums,
        syntax: Some("proto3".to_string()),
        ..Default::default()
    })
}

/// The files `main` imports, directly or not, among `files`, each after the ones it
/// imports (depth first, each once). Imports do not cycle (see [`build_file`]); the walk
/// keeps a visited set all the same, so it ends on any input.
fn dependency_order(
    main: &FileDescriptorProto,
    files: &BTreeMap<String, FileDescriptorProto>,
) -> Vec<ProtoImport> {
    let mut order: Vec<ProtoImport> = Vec::new();
    let mut visited: HashSet<&str> = HashSet::new();
    // (file, whether its imports were pushed already)
    let mut stack: Vec<(&str, bool)> = model_imports(main).rev().map(|n| (n, false)).collect();
    while let Some((name, expanded)) = stack.pop() {
        let Some(file) = files.get(name) else {
            continue;
        };
        if expanded {
            if order.iter().all(|done| done.name() != name) {
                order.push(ProtoImport {
                    text: crate::proto_file::print_proto(file),
                    file: file.clone(),
                });
            }
            continue;
        }
        if !visited.insert(name) {
            continue;
        }
        stack.push((name, true));
        stack.extend(model_imports(file).rev().map(|n| (n, false)));
    }
    order
}

/// `[(confluent.field_meta) = { tags: "PII" }]`: the field's tags as Confluent's `Meta`
/// annotation (`confluent/meta.proto`, `extend google.protobuf.FieldOptions { Meta
/// field_meta = 1088; }`), where Confluent's `ProtobufSchema.inlineTaggedFields` and its
/// clients' `get_inline_tags` (confluent_kafka/schema_registry/protobuf.py) read them.
///
/// A descriptor has no typed slot for an extension option without the extension's
/// definition, so the option is kept uninterpreted, as a parser leaves it before option
/// resolution; the `.proto` printer writes it back as source text.
fn field_meta_tags(tags: &[String]) -> FieldOptions {
    let values: Vec<String> = tags
        .iter()
        .map(|t| format!("tags: {}", quote_proto_string(t)))
        .collect();
    FieldOptions {
        uninterpreted_option: vec![UninterpretedOption {
            name: vec![prost_types::uninterpreted_option::NamePart {
                name_part: FIELD_META.to_string(),
                is_extension: true,
            }],
            aggregate_value: Some(values.join(" ")),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn simple_name(full: &str) -> &str {
    full.rsplit_once('.').map_or(full, |(_, n)| n)
}

/// A data-enum variant whose record only wraps a newtype's value (one untagged field named
/// `value`): in Protobuf the oneof member is the value itself.
fn newtype_payload<'m>(model: &'m TypeModel, ty: &'m Ty) -> Option<&'m Field> {
    let Ty::Named(n) = ty else { return None };
    match model.def(n) {
        Some(Def::Record(r)) => match r.fields.as_slice() {
            [f] if f.name == "value" && f.tag.is_none() => Some(f),
            _ => None,
        },
        _ => None,
    }
}

/// The data enum of an inline oneof field: no field number, type `Option<E>` with E a data
/// enum (see the module docs).
fn inline_oneof<'m>(model: &'m TypeModel, f: &Field) -> Option<&'m UnionDef> {
    if f.tag.is_some() {
        return None;
    }
    let Ty::Optional { inner, .. } = &f.ty else {
        return None;
    };
    let Ty::Named(n) = &**inner else { return None };
    match model.def(n) {
        Some(Def::Union(u)) => Some(u),
        _ => None,
    }
}

/// The types a oneof's members carry: a newtype variant's value, else the variant's type.
fn member_types<'m>(model: &'m TypeModel, u: &'m UnionDef) -> impl Iterator<Item = &'m Ty> {
    u.variants
        .iter()
        .map(move |v| newtype_payload(model, &v.ty).map_or(&v.ty, |f| &f.ty))
}

/// The names of the definitions `def` refers to, in field order: for an inline oneof, its
/// members' types (its enum is no message of its own).
fn referenced_names<'m>(model: &'m TypeModel, def: &'m Def) -> Vec<&'m str> {
    let mut children: Vec<&Ty> = Vec::new();
    match def {
        Def::Record(r) => {
            for f in &r.fields {
                match inline_oneof(model, f) {
                    Some(u) => children.extend(member_types(model, u)),
                    None => children.push(&f.ty),
                }
            }
        }
        Def::Union(u) => children.extend(member_types(model, u)),
        Def::Enum(_) => {}
    }
    let mut found = Vec::new();
    for ty in children {
        collect_names(ty, &mut found);
    }
    found
}

/// Every definition reachable from `root`, root first, in first-use order.
fn needed_defs<'m>(model: &'m TypeModel, root: &'m Def) -> Result<Vec<&'m Def>, ProtoBuildError> {
    let mut order: Vec<&Def> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack = vec![root];
    seen.insert(root.full_name());
    // Depth-first, visiting children in field order.
    while let Some(def) = stack.pop() {
        order.push(def);
        for name in referenced_names(model, def).into_iter().rev() {
            if seen.insert(name) {
                let d = model
                    .def(name)
                    .ok_or_else(|| ProtoBuildError::UndefinedName(name.to_string()))?;
                stack.push(d);
            }
        }
    }
    // `stack` popping reverses siblings; the pushes above were reversed to compensate, but
    // a name first seen deeper may be queued twice in order: keep first occurrences.
    let mut unique = HashSet::new();
    order.retain(|d| unique.insert(d.full_name()));
    Ok(order)
}

fn collect_names<'m>(ty: &'m Ty, out: &mut Vec<&'m str>) {
    match ty {
        Ty::Named(n) => out.push(n),
        Ty::Array(t) | Ty::Map(t) => collect_names(t, out),
        Ty::Optional { inner, .. } => collect_names(inner, out),
        _ => {}
    }
}

struct Builder<'m> {
    model: &'m TypeModel,
    layout: &'m Layout<'m>,
    /// The file being built: its index in `layout.files`.
    index: usize,
    imports: BTreeSet<String>,
}

/// A field's proto type: scalar type or a reference.
struct FieldType {
    ty: Type,
    type_name: Option<String>,
}

impl FieldType {
    fn scalar(ty: Type) -> Self {
        FieldType {
            ty,
            type_name: None,
        }
    }
}

impl Builder<'_> {
    /// A reference to the definition `full`, importing the file that holds it when this
    /// one does not: every definition lives at its full name.
    fn type_ref(&mut self, full: &str) -> Result<FieldType, ProtoBuildError> {
        let def = self
            .model
            .def(full)
            .ok_or_else(|| ProtoBuildError::UndefinedName(full.to_string()))?;
        let file = *self
            .layout
            .file_of
            .get(full)
            .ok_or_else(|| ProtoBuildError::UndefinedName(full.to_string()))?;
        if file != self.index {
            if let Some(planned) = self.layout.files.get(file) {
                self.imports.insert(planned.name.clone());
            }
        }
        Ok(FieldType {
            ty: if matches!(def, Def::Enum(_)) {
                Type::Enum
            } else {
                Type::Message
            },
            type_name: Some(format!(".{full}")),
        })
    }

    /// The message of record or union `def`, with the definitions nested in it.
    fn message(&mut self, def: &Def) -> Result<DescriptorProto, ProtoBuildError> {
        let mut message = match def {
            Def::Record(r) => self.record(r)?,
            Def::Union(u) => self.union(u)?,
            Def::Enum(e) => return Err(ProtoBuildError::RootNotMessage(e.full_name.clone())),
        };
        let layout = self.layout;
        let nested = layout
            .nested
            .get(def.full_name())
            .map_or(&[][..], Vec::as_slice);
        // Nested definitions before map entries, as protoc orders a message declaring them
        // before its fields. The depth is bounded by the name's segments.
        let mut inner = Vec::new();
        for child in nested {
            match child {
                Def::Enum(e) => message.enum_type.push(self.enumeration(e)?),
                _ => inner.push(self.message(child)?),
            }
        }
        inner.append(&mut message.nested_type);
        message.nested_type = inner;
        Ok(message)
    }

    /// The proto type of a singular value.
    fn singular(&mut self, ty: &Ty, proto: Option<ProtoInt>) -> Result<FieldType, Option<String>> {
        if let Some(p) = proto {
            return Ok(FieldType::scalar(match p {
                ProtoInt::Sint32 => Type::Sint32,
                ProtoInt::Sint64 => Type::Sint64,
                ProtoInt::Fixed32 => Type::Fixed32,
                ProtoInt::Fixed64 => Type::Fixed64,
                ProtoInt::Sfixed32 => Type::Sfixed32,
                ProtoInt::Sfixed64 => Type::Sfixed64,
            }));
        }
        Ok(FieldType::scalar(match ty {
            Ty::Boolean => Type::Bool,
            Ty::Int(k) | Ty::Long(k) => match k {
                IntKind::I8 | IntKind::I16 | IntKind::I32 => Type::Int32,
                IntKind::U8 | IntKind::U16 | IntKind::U32 => Type::Uint32,
                IntKind::I64 => Type::Int64,
                IntKind::U64 => Type::Uint64,
                IntKind::U128 | IntKind::I128 => {
                    return Err(Some("128-bit integers have no Protobuf scalar".into()))
                }
            },
            Ty::Float => Type::Float,
            Ty::Double => Type::Double,
            Ty::String | Ty::Uuid => Type::String,
            Ty::Decimal { .. } => Type::String,
            Ty::Bytes | Ty::Fixed { .. } => Type::Bytes,
            Ty::Array(inner) if **inner == Ty::Int(IntKind::U8) => Type::Bytes,
            Ty::Date => Type::Int32,
            Ty::TimeMillis | Ty::TimeMicros => Type::Int64,
            Ty::TimestampMillis
            | Ty::TimestampMicros
            | Ty::LocalTimestampMillis
            | Ty::LocalTimestampMicros => {
                self.imports.insert(TIMESTAMP_FILE.to_string());
                return Ok(FieldType {
                    ty: Type::Message,
                    type_name: Some(TIMESTAMP.to_string()),
                });
            }
            Ty::Null => {
                self.imports.insert(EMPTY_FILE.to_string());
                return Ok(FieldType {
                    ty: Type::Message,
                    type_name: Some(EMPTY.to_string()),
                });
            }
            Ty::Named(n) => return self.type_ref(n).map_err(|e| Some(e.to_string())),
            Ty::Array(_) | Ty::Map(_) | Ty::Optional { .. } => return Err(None),
        }))
    }

    /// One field of record `message` (full name `full`), plus the map-entry message it may
    /// need.
    fn field(
        &mut self,
        message: &str,
        full: &str,
        f: &Field,
        oneofs: &mut Vec<OneofDescriptorProto>,
        nested: &mut Vec<DescriptorProto>,
        real_oneofs: i32,
    ) -> Result<FieldDescriptorProto, ProtoBuildError> {
        let unsupported = |reason: String| ProtoBuildError::Unsupported {
            message: message.to_string(),
            field: f.name.clone(),
            reason,
        };
        let tag = f.tag.ok_or_else(|| ProtoBuildError::MissingTag {
            message: message.to_string(),
            field: f.name.clone(),
        })?;
        let number =
            i32::try_from(tag).map_err(|_| unsupported(format!("tag {tag} is too large")))?;
        let mut fd = FieldDescriptorProto {
            name: Some(f.name.clone()),
            number: Some(number),
            label: Some(Label::Optional as i32),
            ..Default::default()
        };
        let nested_only = |what: &str| {
            format!("{what} cannot hold another Option, Vec or map in Protobuf: wrap the inner value in a struct")
        };
        let ft = match &f.ty {
            Ty::Optional { inner, .. } => {
                let ft = self
                    .singular(inner, f.proto)
                    .map_err(|e| unsupported(e.unwrap_or_else(|| nested_only("an Option"))))?;
                fd.proto3_optional = Some(true);
                let synthetic = i32::try_from(oneofs.len()).unwrap_or(i32::MAX) + real_oneofs;
                oneofs.push(OneofDescriptorProto {
                    name: Some(format!("_{}", f.name)),
                    ..Default::default()
                });
                fd.oneof_index = Some(synthetic);
                ft
            }
            Ty::Array(inner) if **inner != Ty::Int(IntKind::U8) => {
                fd.label = Some(Label::Repeated as i32);
                self.singular(inner, f.proto)
                    .map_err(|e| unsupported(e.unwrap_or_else(|| nested_only("a Vec"))))?
            }
            Ty::Map(value) => {
                let vt = self
                    .singular(value, f.proto)
                    .map_err(|e| unsupported(e.unwrap_or_else(|| nested_only("a map value"))))?;
                let entry = format!("{}Entry", camel_case(&f.name));
                nested.push(DescriptorProto {
                    name: Some(entry.clone()),
                    field: vec![
                        FieldDescriptorProto {
                            name: Some("key".into()),
                            number: Some(1),
                            label: Some(Label::Optional as i32),
                            r#type: Some(Type::String as i32),
                            ..Default::default()
                        },
                        FieldDescriptorProto {
                            name: Some("value".into()),
                            number: Some(2),
                            label: Some(Label::Optional as i32),
                            r#type: Some(vt.ty as i32),
                            type_name: vt.type_name,
                            ..Default::default()
                        },
                    ],
                    options: Some(MessageOptions {
                        map_entry: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
                fd.label = Some(Label::Repeated as i32);
                FieldType {
                    ty: Type::Message,
                    type_name: Some(format!(".{full}.{entry}")),
                }
            }
            other => self
                .singular(other, f.proto)
                .map_err(|e| unsupported(e.unwrap_or_else(|| nested_only("a field"))))?,
        };
        fd.r#type = Some(ft.ty as i32);
        fd.type_name = ft.type_name;
        if !f.tags.is_empty() {
            fd.options = Some(field_meta_tags(&f.tags));
            self.imports.insert(META_FILE.to_string());
        }
        Ok(fd)
    }

    fn record(&mut self, r: &RecordDef) -> Result<DescriptorProto, ProtoBuildError> {
        let name = simple_name(&r.full_name).to_string();
        let model = self.model;
        let real_oneofs = r
            .fields
            .iter()
            .filter(|f| inline_oneof(model, f).is_some())
            .count();
        let real_oneofs = i32::try_from(real_oneofs).unwrap_or(i32::MAX);
        let mut real = Vec::new();
        let mut synthetic = Vec::new();
        let mut nested = Vec::new();
        let mut fields = Vec::new();
        for f in &r.fields {
            match inline_oneof(model, f) {
                Some(u) => {
                    let index = i32::try_from(real.len()).unwrap_or(i32::MAX);
                    real.push(OneofDescriptorProto {
                        name: Some(f.name.clone()),
                        ..Default::default()
                    });
                    fields.extend(self.oneof_members(&name, u, index)?);
                }
                None => fields.push(self.field(
                    &name,
                    &r.full_name,
                    f,
                    &mut synthetic,
                    &mut nested,
                    real_oneofs,
                )?),
            }
        }
        real.extend(synthetic);
        Ok(DescriptorProto {
            name: Some(name),
            field: fields,
            nested_type: nested,
            oneof_decl: real,
            reserved_range: r
                .reserved_tags
                .iter()
                .filter_map(|&t| i32::try_from(t).ok())
                .map(|t| ReservedRange {
                    start: Some(t),
                    end: Some(t.saturating_add(1)),
                })
                .collect(),
            reserved_name: r.reserved_names.clone(),
            ..Default::default()
        })
    }

    fn union(&mut self, u: &UnionDef) -> Result<DescriptorProto, ProtoBuildError> {
        let name = simple_name(&u.full_name).to_string();
        let fields = self.oneof_members(&name, u, 0)?;
        Ok(DescriptorProto {
            name: Some(name),
            field: fields,
            oneof_decl: vec![OneofDescriptorProto {
                name: Some("value".into()),
                ..Default::default()
            }],
            ..Default::default()
        })
    }

    /// The fields of message `message` that are `u`'s variants, members of the message's
    /// oneof number `index`.
    fn oneof_members(
        &mut self,
        message: &str,
        u: &UnionDef,
        index: i32,
    ) -> Result<Vec<FieldDescriptorProto>, ProtoBuildError> {
        let name = message.to_string();
        let mut fields = Vec::new();
        for v in &u.variants {
            let tag = v.tag.ok_or_else(|| ProtoBuildError::MissingTag {
                message: name.clone(),
                field: v.name.clone(),
            })?;
            let unsupported = |reason: String| ProtoBuildError::Unsupported {
                message: name.clone(),
                field: v.name.clone(),
                reason,
            };
            let number =
                i32::try_from(tag).map_err(|_| unsupported(format!("tag {tag} is too large")))?;
            let model = self.model;
            let (ty, proto) = match newtype_payload(model, &v.ty) {
                Some(f) => (&f.ty, f.proto),
                None => (&v.ty, None),
            };
            let ft = self.singular(ty, proto).map_err(|e| {
                unsupported(e.unwrap_or_else(|| {
                    "a oneof member cannot be an Option, Vec or map: wrap it in a struct".into()
                }))
            })?;
            fields.push(FieldDescriptorProto {
                name: Some(v.name.clone()),
                number: Some(number),
                label: Some(Label::Optional as i32),
                r#type: Some(ft.ty as i32),
                type_name: ft.type_name,
                oneof_index: Some(index),
                ..Default::default()
            });
        }
        Ok(fields)
    }

    fn enumeration(&mut self, e: &EnumDef) -> Result<EnumDescriptorProto, ProtoBuildError> {
        let name = simple_name(&e.full_name).to_string();
        let numbers: Vec<i32> = if e.numbers.len() == e.symbols.len() {
            e.numbers.clone()
        } else {
            (0..).take(e.symbols.len()).collect()
        };
        if numbers.first() != Some(&0) {
            return Err(ProtoBuildError::EnumFirstNotZero(e.full_name.clone()));
        }
        Ok(EnumDescriptorProto {
            name: Some(name),
            value: e
                .symbols
                .iter()
                .zip(numbers)
                .map(|(s, n)| EnumValueDescriptorProto {
                    name: Some(s.clone()),
                    number: Some(n),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
    }
}

/// Enum values share their enum's enclosing scope in Protobuf (C++ rules): the package, over
/// all its files, for a top-level enum, the message for a nested one. When a value's name is
/// used twice in one scope (by two enums, or an enum and a message), the values of the enums
/// involved are prefixed with their enum's name.
fn disambiguate_enum_values(files: &mut [FileDescriptorProto]) {
    let packages: BTreeSet<String> = files.iter().map(|f| f.package().to_string()).collect();
    for package in packages {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for file in files.iter().filter(|f| f.package() == package) {
            count_names(&mut seen, &file.message_type, &file.enum_type);
        }
        for file in files.iter_mut().filter(|f| f.package() == package) {
            prefix_clashing(&seen, &mut file.enum_type);
        }
    }
    for file in files {
        for message in &mut file.message_type {
            disambiguate_nested(message);
        }
    }
}

/// [`disambiguate_enum_values`] in `message`'s scope and the scopes nested in it (as deep
/// as the built messages nest, which their names bound).
fn disambiguate_nested(message: &mut DescriptorProto) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    count_names(&mut seen, &message.nested_type, &message.enum_type);
    prefix_clashing(&seen, &mut message.enum_type);
    for nested in &mut message.nested_type {
        disambiguate_nested(nested);
    }
}

/// Counts the names of one scope: its messages, its enums and their values.
fn count_names(
    seen: &mut HashMap<String, usize>,
    messages: &[DescriptorProto],
    enums: &[EnumDescriptorProto],
) {
    for m in messages {
        *seen.entry(m.name().to_string()).or_default() += 1;
    }
    for e in enums {
        *seen.entry(e.name().to_string()).or_default() += 1;
        for v in &e.value {
            *seen.entry(v.name().to_string()).or_default() += 1;
        }
    }
}

/// Prefixes the values of each enum of `enums` one of whose values `seen` counts twice.
fn prefix_clashing(seen: &HashMap<String, usize>, enums: &mut [EnumDescriptorProto]) {
    for e in enums {
        let clash = e
            .value
            .iter()
            .any(|v| seen.get(v.name()).copied().unwrap_or(0) > 1);
        if clash {
            let prefix = e.name().to_string();
            for v in &mut e.value {
                v.name = Some(format!("{prefix}_{}", v.name()));
            }
        }
    }
}

/// protoc's name for a map field's entry message: `my_map` → `MyMap` (protoc's
/// `ToCamelCase(name, false)`; also how a descriptor's entries are checked).
pub(crate) fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
