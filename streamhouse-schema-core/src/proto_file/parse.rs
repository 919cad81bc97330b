//! Reading a Protobuf schema (`.proto` text or base64 descriptor) into a checked
//! `FileDescriptorProto`, with protox doing the compiling in memory.

use std::collections::HashMap;

use base64::Engine as _;
use prost::Message as _;
use prost_types::FileDescriptorProto;
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
use protox::Compiler;

use super::json_names::without_default_json_names;
use super::ProtoSchemaError;

/// The file name given to a schema that arrives as `.proto` text (text carries no name):
/// Confluent's `ProtobufSchema.DEFAULT_NAME`, the name its registry gives the file it
/// answers `?format=serialized` with.
const TEXT_SCHEMA_NAME: &str = "default";

/// Parses a Protobuf schema: `.proto` text (proto2 or proto3) or a base64 serialized
/// `FileDescriptorProto` (what Confluent's Python `ProtobufSerializer` registers).
///
/// The file is compiled, so unknown types, duplicate field numbers and the like are errors,
/// and type references in the result are fully qualified (`.pkg.Message`). The
/// `google/protobuf/*.proto` well-known files (timestamp, duration, wrappers, any, struct,
/// empty, field_mask...) and Confluent's `confluent/meta.proto` (field tags and other
/// annotations) and `confluent/type/decimal.proto` can be imported; other imports need
/// [`parse_proto_with_imports`].
///
/// # Errors
/// [`ProtoSchemaError`] says whether the text is empty, bad base64, not a descriptor, or
/// does not compile (with protox's message).
pub fn parse_proto(schema: &str) -> Result<FileDescriptorProto, ProtoSchemaError> {
    parse_proto_with_imports(schema, &[])
}

/// Like [`parse_proto`], with the files that `schema` imports: pairs of import name (as
/// written in the `import` statement, e.g. `"shop/money.proto"`) and that file's schema
/// (`.proto` text or base64 descriptor). This is how a registry resolves schema references.
///
/// # Errors
/// As [`parse_proto`]; an import's own problems are reported as [`ProtoSchemaError::Compile`]
/// or its decoding error.
pub fn parse_proto_with_imports(
    schema: &str,
    imports: &[(&str, &str)],
) -> Result<FileDescriptorProto, ProtoSchemaError> {
    let (compiler, main_name) = compile(schema, imports)?;
    compiler
        .file_descriptor_set()
        .file
        .into_iter()
        .find(|file| file.name() == main_name)
        .ok_or_else(|| {
            ProtoSchemaError::Compile(format!("the compiler produced no file '{main_name}'"))
        })
}

/// The schema as a serialized `FileDescriptorProto` in standard base64 (what Confluent's
/// registry answers to `?format=serialized`), with custom options kept and a field's
/// `json_name` only where it differs from protoc's default (see `json_names`).
///
/// [`parse_proto_with_imports`] followed by
/// [`to_base64_descriptor`](super::to_base64_descriptor) loses them: a resolved custom
/// option such as `[(confluent.field_meta) = { tags: "PII" }]` is an extension field of
/// `FieldOptions`, which `prost_types` does not keep. Confluent's clients read a Protobuf
/// writer schema in this form (confluent_kafka/schema_registry/_sync/protobuf.py asks for
/// `fmt='serialized'`) and find field tags in that extension (`meta_pb2.field_meta`), so
/// here the compiler's own encoding is returned.
///
/// # Errors
/// As [`parse_proto_with_imports`].
pub fn serialized_proto_with_imports(
    schema: &str,
    imports: &[(&str, &str)],
) -> Result<String, ProtoSchemaError> {
    let (compiler, main_name) = compile(schema, imports)?;
    let set = compiler.encode_file_descriptor_set();
    for entry in set_entries(&set) {
        let is_main = FileDescriptorProto::decode(entry).is_ok_and(|f| f.name() == main_name);
        if is_main {
            // `json_name`s only where the schema sets them, as Confluent serves it.
            let served = without_default_json_names(entry);
            let bytes = served.as_deref().unwrap_or(entry);
            return Ok(base64::engine::general_purpose::STANDARD.encode(bytes));
        }
    }
    Err(ProtoSchemaError::Compile(format!(
        "the compiler produced no file '{main_name}'"
    )))
}

/// The schema and every file it imports (the `google/protobuf/*` and `confluent/*` ones
/// included) as one serialized `FileDescriptorSet`, with the main file's name: what a
/// descriptor pool needs to decode messages of the schema (custom options such as
/// `(confluent.field_meta)` kept, as in [`serialized_proto_with_imports`]).
///
/// ```
/// use streamhouse_schema_core::proto_file::descriptor_set_with_imports;
///
/// let (set, main) = descriptor_set_with_imports(
///     r#"syntax = "proto3"; import "google/protobuf/timestamp.proto";
///        message A { google.protobuf.Timestamp at = 1; }"#,
///     &[],
/// ).unwrap();
/// assert_eq!(main, "default"); // as Confluent's registry names a text schema's file
/// assert!(set.windows(31).any(|w| w == b"google/protobuf/timestamp.proto"));
/// ```
///
/// # Errors
/// As [`parse_proto_with_imports`].
pub fn descriptor_set_with_imports(
    schema: &str,
    imports: &[(&str, &str)],
) -> Result<(Vec<u8>, String), ProtoSchemaError> {
    let (mut compiler, main_name) = compile(schema, imports)?;
    compiler.include_imports(true);
    Ok((compiler.encode_file_descriptor_set(), main_name))
}

/// The encoded files of a serialized `FileDescriptorSet` (`repeated FileDescriptorProto
/// file = 1`): each a length-delimited field 1. Stops at anything else.
fn set_entries(mut bytes: &[u8]) -> Vec<&[u8]> {
    let mut entries = Vec::new();
    // Field 1, wire type 2 (length-delimited).
    while let Some((&0x0a, rest)) = bytes.split_first() {
        let Ok(len) = prost::encoding::decode_varint(&mut &rest[..]) else {
            break;
        };
        let header = prost::encoding::encoded_len_varint(len);
        let Some(body) = usize::try_from(len)
            .ok()
            .and_then(|len| rest.get(header..header.checked_add(len)?))
        else {
            break;
        };
        entries.push(body);
        bytes = rest.get(header + body.len()..).unwrap_or_default();
    }
    entries
}

/// Decodes a base64 serialized `FileDescriptorProto`, as a registry answers
/// `?format=serialized` for a Protobuf schema: the registry compiled it with its
/// references, so its type names are already fully qualified and nothing it imports is
/// needed here. Unlike [`parse_proto`], the file is not compiled again.
///
/// # Errors
/// [`ProtoSchemaError::Empty`], [`ProtoSchemaError::Base64`] or
/// [`ProtoSchemaError::Descriptor`] for text that is not a base64 descriptor (`.proto` text
/// included).
pub fn descriptor_from_base64(schema: &str) -> Result<FileDescriptorProto, ProtoSchemaError> {
    let trimmed = schema.trim();
    if trimmed.is_empty() {
        return Err(ProtoSchemaError::Empty);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(trimmed)
        .map_err(|e| ProtoSchemaError::Base64(e.to_string()))?;
    FileDescriptorProto::decode(bytes.as_slice())
        .map_err(|e| ProtoSchemaError::Descriptor(e.to_string()))
}

/// Compiles `schema` with its imports; returns the compiler and the main file's name.
fn compile(schema: &str, imports: &[(&str, &str)]) -> Result<(Compiler, String), ProtoSchemaError> {
    let mut files = HashMap::new();
    for (name, text) in imports {
        files.insert((*name).to_string(), Source::read(text)?);
    }
    let main = Source::read(schema)?;
    let main_name = match &main {
        Source::Descriptor(file) if !file.name().is_empty() => file.name().to_string(),
        _ => unused_name(&files),
    };
    files.insert(main_name.clone(), main);

    let mut resolver = ChainFileResolver::new();
    resolver.add(MemoryResolver { files });
    resolver.add(GoogleFileResolver::new());
    resolver.add(ConfluentFileResolver);
    let mut compiler = Compiler::with_file_resolver(resolver);
    compiler.include_imports(false).include_source_info(false);
    compiler
        .open_file(&main_name)
        .map_err(|e| ProtoSchemaError::Compile(e.to_string()))?;
    Ok((compiler, main_name))
}

/// A name for the main text schema that no import already uses.
fn unused_name(files: &HashMap<String, Source>) -> String {
    let mut name = TEXT_SCHEMA_NAME.to_string();
    let mut counter = 1;
    while files.contains_key(&name) {
        name = format!("schema_{counter}.proto");
        counter += 1;
    }
    name
}

/// One schema's content before compiling.
enum Source {
    Text(String),
    Descriptor(Box<FileDescriptorProto>),
}

impl Source {
    fn read(schema: &str) -> Result<Self, ProtoSchemaError> {
        let trimmed = schema.trim();
        if trimmed.is_empty() {
            return Err(ProtoSchemaError::Empty);
        }
        // `.proto` text always has a space, `;`, `{` or `"`, none of which base64 has.
        if trimmed.bytes().all(is_base64_byte) {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(trimmed)
                .map_err(|e| ProtoSchemaError::Base64(e.to_string()))?;
            let mut file = FileDescriptorProto::decode(bytes.as_slice())
                .map_err(|e| ProtoSchemaError::Descriptor(e.to_string()))?;
            check_syntax(&mut file)?;
            check_names(&file)?;
            check_map_entries(&file)?;
            check_proto3_fields(&file)?;
            check_ranges(&file)?;
            check_defaults(&file)?;
            check_extensions(&file)?;
            each_message("", &file.message_type, &mut |_, m| {
                check_synthetic_oneofs(m)
            })?;
            Ok(Source::Descriptor(Box::new(file)))
        } else {
            Ok(Source::Text(schema.to_string()))
        }
    }
}

/// Refuses a descriptor whose `syntax` is neither `proto2` nor `proto3` before it is
/// compiled: prost-reflect 0.16 (inside protox) panics on one (it labels the error with a
/// file it has not added to its pool yet). An empty `syntax` is proto2, as protoc reads it.
fn check_syntax(file: &mut FileDescriptorProto) -> Result<(), ProtoSchemaError> {
    match file.syntax.as_deref() {
        None | Some("proto2" | "proto3") => Ok(()),
        Some("") => {
            file.syntax = None;
            Ok(())
        }
        Some(other) => Err(ProtoSchemaError::Compile(format!(
            "the descriptor's syntax {other:?} is neither \"proto2\" nor \"proto3\""
        ))),
    }
}

/// Refuses a descriptor naming something with what is not a `.proto` identifier (a
/// package of dotted identifiers): protox compiles a descriptor without checking its names,
/// and the text printed from it (the registry's normalized form) would not parse.
fn check_names(file: &FileDescriptorProto) -> Result<(), ProtoSchemaError> {
    fn bad(what: &str, name: &str) -> ProtoSchemaError {
        ProtoSchemaError::Compile(format!(
            "the descriptor's {what} name {name:?} is not an identifier"
        ))
    }
    fn check(what: &str, name: &str) -> Result<(), ProtoSchemaError> {
        let mut chars = name.chars();
        let starts_well = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if starts_well && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            Ok(())
        } else {
            Err(bad(what, name))
        }
    }
    fn fields(list: &[prost_types::FieldDescriptorProto]) -> Result<(), ProtoSchemaError> {
        list.iter().try_for_each(|f| check("field", f.name()))
    }
    // A reserved name prints as `reserved "name";`, which protoc and protox accept only for
    // an identifier.
    fn reserved(list: &[String]) -> Result<(), ProtoSchemaError> {
        list.iter().try_for_each(|name| check("reserved", name))
    }
    fn enums(list: &[prost_types::EnumDescriptorProto]) -> Result<(), ProtoSchemaError> {
        for e in list {
            check("enum", e.name())?;
            e.value
                .iter()
                .try_for_each(|v| check("enum value", v.name()))?;
            reserved(&e.reserved_name)?;
        }
        Ok(())
    }
    fn message(m: &prost_types::DescriptorProto) -> Result<(), ProtoSchemaError> {
        check("message", m.name())?;
        fields(&m.field)?;
        fields(&m.extension)?;
        m.oneof_decl
            .iter()
            .try_for_each(|o| check("oneof", o.name()))?;
        reserved(&m.reserved_name)?;
        enums(&m.enum_type)
    }
    if !file.package().is_empty() {
        file.package()
            .split('.')
            .try_for_each(|part| check("package", part))
            .map_err(|_| bad("package", file.package()))?;
    }
    each_message("", &file.message_type, &mut |_, m| message(m))?;
    enums(&file.enum_type)?;
    fields(&file.extension)?;
    for service in &file.service {
        check("service", service.name())?;
        service
            .method
            .iter()
            .try_for_each(|m| check("method", m.name()))?;
    }
    Ok(())
}

/// Refuses a descriptor using a map-entry message (`options.map_entry`) other than as a
/// map: protox compiles one, but `.proto` text can only say `map<K, V>` for a repeated
/// field of the message the entry is nested in, so the text printed from it (the registry's
/// normalized form) would name a message it never defines. protoc refuses the same
/// descriptors ("map_entry should not be set explicitly").
fn check_map_entries(file: &FileDescriptorProto) -> Result<(), ProtoSchemaError> {
    /// Every map-entry message has the shape protoc gives one (`ValidateMapEntry` in
    /// protoc's `descriptor.cc`): fields `key = 1` and `value = 2`, both singular, a key of a
    /// scalar type other than float, double and bytes, nothing else. The printed `map<K, V>`
    /// field reads its types from those two fields.
    fn entry_shapes(m: &prost_types::DescriptorProto) -> Result<(), ProtoSchemaError> {
        use prost_types::field_descriptor_proto::{Label, Type};
        for entry in &m.nested_type {
            if !entry.options.as_ref().is_some_and(|o| o.map_entry()) {
                continue;
            }
            let singular = |f: &prost_types::FieldDescriptorProto| {
                f.label.is_none() || f.label() == Label::Optional
            };
            let shaped = match entry.field.as_slice() {
                [key, value] => {
                    key.name() == "key"
                        && key.number() == 1
                        && singular(key)
                        && value.name() == "value"
                        && value.number() == 2
                        && singular(value)
                        && !matches!(
                            key.r#type(),
                            Type::Float
                                | Type::Double
                                | Type::Bytes
                                | Type::Message
                                | Type::Group
                                | Type::Enum
                        )
                        && key.type_name().is_empty()
                }
                _ => false,
            };
            if !shaped
                || !entry.extension.is_empty()
                || !entry.extension_range.is_empty()
                || !entry.nested_type.is_empty()
                || !entry.enum_type.is_empty()
                || !entry.oneof_decl.is_empty()
            {
                return Err(ProtoSchemaError::Compile(format!(
                    "map entry {:?} of message {:?} is not shaped as protoc makes one \
                     (fields `key = 1` of a scalar type other than float, double and bytes \
                     and `value = 2`, both singular, and nothing else)",
                    entry.name(),
                    m.name(),
                )));
            }
        }
        Ok(())
    }
    /// The entry a field's type names, if any: a full name matches exactly, a relative one
    /// (a descriptor not compiled by protoc) by its ending.
    fn entry_of<'e>(type_name: &str, all: &'e [(String, String)]) -> Option<&'e (String, String)> {
        all.iter()
            .find(|(entry, _)| match type_name.strip_prefix('.') {
                Some(_) => entry == type_name,
                None => entry.ends_with(&format!(".{type_name}")),
            })
    }
    /// The fields of message `full` that use a map entry: each must be its `map<K, V>`.
    fn map_fields(
        full: &str,
        m: &prost_types::DescriptorProto,
        all: &[(String, String)],
    ) -> Result<(), ProtoSchemaError> {
        for f in m.field.iter().chain(&m.extension) {
            let Some((entry, owner)) = f.type_name.as_deref().and_then(|t| entry_of(t, all)) else {
                continue;
            };
            let repeated = f.label() == prost_types::field_descriptor_proto::Label::Repeated;
            // A group typed with an entry is no map either (the printer writes a map only
            // for a message field; found by the proto_descriptor fuzz target).
            let message = f.r#type() == prost_types::field_descriptor_proto::Type::Message;
            if !repeated || !message || *owner != full {
                return Err(ProtoSchemaError::Compile(format!(
                    "field {:?} of message {:?} uses the map entry {:?}: a map entry is \
                     only the type of a repeated message field of the message it is nested in \
                     (a map<K, V> field)",
                    f.name(),
                    full.trim_start_matches('.'),
                    entry.trim_start_matches('.'),
                )));
            }
            // The text names no entry: compiling `map<K, V> name` again makes one named
            // after the field, as protoc requires of a descriptor's entry.
            let expected = format!("{}Entry", crate::protobuf::camel_case(f.name()));
            if entry.rsplit('.').next() != Some(expected.as_str()) {
                return Err(ProtoSchemaError::Compile(format!(
                    "map field {:?} of message {:?} uses the entry {:?}: protoc names it {:?}",
                    f.name(),
                    full.trim_start_matches('.'),
                    entry.trim_start_matches('.'),
                    expected,
                )));
            }
        }
        Ok(())
    }
    let prefix = match file.package() {
        "" => String::new(),
        package => format!(".{package}"),
    };
    // Full names (`.pkg.Outer.Entry`) of every map-entry message, and the message each is
    // nested in.
    let mut all: Vec<(String, String)> = Vec::new();
    each_message(&prefix, &file.message_type, &mut |full, m| {
        for nested in &m.nested_type {
            if nested.options.as_ref().is_some_and(|o| o.map_entry()) {
                all.push((format!("{full}.{}", nested.name()), full.to_owned()));
            }
        }
        Ok(())
    })?;
    if all.is_empty() {
        return Ok(());
    }
    each_message(&prefix, &file.message_type, &mut |_, m| entry_shapes(m))?;
    if let Some(f) = file.extension.iter().find(|f| {
        f.type_name
            .as_deref()
            .is_some_and(|t| entry_of(t, &all).is_some())
    }) {
        return Err(ProtoSchemaError::Compile(format!(
            "extension {:?} uses a map entry as its type",
            f.name()
        )));
    }
    each_message(&prefix, &file.message_type, &mut |full, m| {
        map_fields(full, m, &all)
    })
}

/// Refuses, in a proto3 descriptor, what protoc's `ValidateProto3Field` refuses: a
/// `required` field, an explicit default value, a group. protox compiles such a descriptor,
/// and the text printed from it (`required int32 x = 1;` under `syntax = "proto3"`, found by
/// the proto_descriptor fuzz target) would not parse.
fn check_proto3_fields(file: &FileDescriptorProto) -> Result<(), ProtoSchemaError> {
    use prost_types::field_descriptor_proto::{Label, Type};
    fn check(field: &prost_types::FieldDescriptorProto) -> Result<(), ProtoSchemaError> {
        let refuse = |what: &str| Err(field_error(field, format!("{what} not allowed in proto3")));
        if field.label == Some(Label::Required as i32) {
            return refuse("required fields are");
        }
        if field.default_value.is_some() {
            return refuse("explicit default values are");
        }
        if field.r#type == Some(Type::Group as i32) {
            return refuse("groups are");
        }
        Ok(())
    }
    if file.syntax.as_deref() != Some("proto3") {
        return Ok(());
    }
    each_field(file, &check)
}

/// Refuses default values protoc refuses and protox compiles from a descriptor: on a
/// repeated field (printed as `repeated ... [default = ..]`, which does not parse; found by
/// the proto_descriptor fuzz target), on a message or group field, and a `bytes` default
/// that is not C-escaped text prost-reflect reads safely (an octal escape above `\377`
/// overflowed inside prost-reflect 0.16: a panic in debug builds).
fn check_defaults(file: &FileDescriptorProto) -> Result<(), ProtoSchemaError> {
    use prost_types::field_descriptor_proto::{Label, Type};
    fn check(field: &prost_types::FieldDescriptorProto) -> Result<(), ProtoSchemaError> {
        let Some(default) = &field.default_value else {
            return Ok(());
        };
        let refuse = |why: &str| Err(field_error(field, why));
        if field.label == Some(Label::Repeated as i32) {
            return refuse("repeated fields may not have default values");
        }
        if matches!(field.r#type(), Type::Message | Type::Group) && field.r#type.is_some() {
            return refuse("message and group fields may not have default values");
        }
        if field.r#type == Some(Type::Bytes as i32) {
            if let Err(why) = super::c_escape::unescape(default) {
                return refuse(&format!("invalid bytes default value: {why}"));
            }
        }
        Ok(())
    }
    each_field(file, &check)
}

/// Refuses what protoc's `BuildFieldOrExtension` refuses of extensions and of the
/// `extendee` field, which protox compiles from a descriptor: a `required` extension (its
/// printed `extend .p.A { required string e = 100; }` would not parse; found by the
/// proto_descriptor fuzz target), an extension without `extendee` or with a `oneof_index`,
/// and a message field with an `extendee`.
fn check_extensions(file: &FileDescriptorProto) -> Result<(), ProtoSchemaError> {
    use prost_types::field_descriptor_proto::Label;
    let extension = |field: &prost_types::FieldDescriptorProto| {
        if field.label == Some(Label::Required as i32) {
            Err(field_error(field, "extension fields may not be required"))
        } else if field.extendee.is_none() {
            Err(field_error(field, "extendee not set for an extension"))
        } else if field.oneof_index.is_some() {
            Err(field_error(field, "oneof_index set for an extension"))
        } else {
            Ok(())
        }
    };
    // A message field with an extendee skipped protox's check of its number against the
    // message's extension ranges (found by the proto_descriptor fuzz target).
    let message_field = |field: &prost_types::FieldDescriptorProto| match field.extendee {
        Some(_) => Err(field_error(
            field,
            "extendee set for a field that is no extension",
        )),
        None => Ok(()),
    };
    file.extension.iter().try_for_each(extension)?;
    each_message("", &file.message_type, &mut |_, m| {
        m.extension.iter().try_for_each(extension)?;
        m.field.iter().try_for_each(message_field)
    })
}

/// Calls `check` with every extension of the file and every field and extension of its
/// messages, nested ones included.
fn each_field(
    file: &FileDescriptorProto,
    check: &dyn Fn(&prost_types::FieldDescriptorProto) -> Result<(), ProtoSchemaError>,
) -> Result<(), ProtoSchemaError> {
    file.extension.iter().try_for_each(check)?;
    each_message("", &file.message_type, &mut |_, m| {
        m.field.iter().chain(&m.extension).try_for_each(check)
    })
}

/// A descriptor field refused for `why`.
fn field_error(
    field: &prost_types::FieldDescriptorProto,
    why: impl std::fmt::Display,
) -> ProtoSchemaError {
    ProtoSchemaError::Compile(format!("field {:?}: {why}", field.name()))
}

/// Refuses reserved and extension ranges that protoc refuses (`BuildReservedRange`,
/// `BuildExtensionRange` and `ValidateMessageOptions` in its `descriptor.cc`): a message's
/// ranges (end exclusive) must start at 1 or above, end after they start, and end at
/// most one past the largest field number; an enum's reserved ranges (end inclusive) must
/// not end before they start. protox compiles a descriptor without these checks, and the
/// text printed from it (`extensions 0 to -1;`, found by the proto_descriptor fuzz
/// target) would not parse.
fn check_ranges(file: &FileDescriptorProto) -> Result<(), ProtoSchemaError> {
    use super::print::MAX_FIELD_NUMBER;
    fn message_range(
        what: &str,
        owner: &str,
        start: i32,
        end: i32,
    ) -> Result<(), ProtoSchemaError> {
        let why = if start <= 0 {
            "numbers must be positive integers"
        } else if end <= start {
            "the end number must be greater than the start number"
        } else if end > MAX_FIELD_NUMBER + 1 {
            "numbers cannot be greater than 536870911"
        } else {
            return Ok(());
        };
        Err(ProtoSchemaError::Compile(format!(
            "{what} range {start} to {end} (end exclusive) of message {owner:?}: {why}"
        )))
    }
    fn enums(list: &[prost_types::EnumDescriptorProto]) -> Result<(), ProtoSchemaError> {
        for e in list {
            if let Some(r) = e.reserved_range.iter().find(|r| r.end() < r.start()) {
                return Err(ProtoSchemaError::Compile(format!(
                    "reserved range {} to {} of enum {:?}: the end number must not be less \
                     than the start number",
                    r.start(),
                    r.end(),
                    e.name()
                )));
            }
        }
        Ok(())
    }
    enums(&file.enum_type)?;
    let prefix = match file.package() {
        "" => String::new(),
        package => format!(".{package}"),
    };
    each_message(&prefix, &file.message_type, &mut |full, m| {
        let owner = full.trim_start_matches('.');
        for r in &m.reserved_range {
            message_range("reserved", owner, r.start(), r.end())?;
        }
        for r in &m.extension_range {
            message_range("extension", owner, r.start(), r.end())?;
        }
        enums(&m.enum_type)
    })
}

/// Refuses a descriptor where a proto3 `optional` field's synthetic oneof holds other
/// fields too, or a real `oneof` is named as such a synthetic oneof (`_` and the field's
/// name) in the same message: the printed text
/// (`oneof _amount {...}` beside `optional int64 amount`) would define that name twice
/// when compiled again (protox does not rename the synthetic oneof as protoc does), so the
/// registry's normalized form would not parse.
fn check_synthetic_oneofs(m: &prost_types::DescriptorProto) -> Result<(), ProtoSchemaError> {
    let optional: Vec<(&str, Option<i32>)> = m
        .field
        .iter()
        .filter(|f| f.proto3_optional())
        .map(|f| (f.name(), f.oneof_index))
        .collect();
    // A synthetic oneof holds its optional field alone (protoc's rule); printed as
    // `optional`, any other member would move to a second oneof of the same name.
    for (field, own) in &optional {
        let members = m
            .field
            .iter()
            .filter(|f| own.is_some() && f.oneof_index == *own)
            .count();
        if members > 1 {
            return Err(ProtoSchemaError::Compile(format!(
                "optional field {field:?} of message {:?} shares its synthetic oneof with other fields",
                m.name()
            )));
        }
    }
    for (index, oneof) in m.oneof_decl.iter().enumerate() {
        let index = i32::try_from(index).ok();
        let clash = optional
            .iter()
            .find(|(name, own)| *own != index && oneof.name().strip_prefix('_') == Some(*name));
        if let Some((field, _)) = clash {
            return Err(ProtoSchemaError::Compile(format!(
                "oneof {:?} of message {:?} has the name of optional field {field:?}'s synthetic oneof",
                oneof.name(),
                m.name()
            )));
        }
    }
    Ok(())
}

/// Calls `visit` with every message of `list` and of the messages nested in them, depth
/// first, and its full name (`{prefix}.{name}`, e.g. `.pkg.Outer.Inner`): the walk the
/// descriptor checks share. A descriptor nests at most as deep as the decoder's recursion
/// limit (100) lets it; the walk stops there all the same.
fn each_message<'a>(
    prefix: &str,
    list: &'a [prost_types::DescriptorProto],
    visit: &mut dyn FnMut(&str, &'a prost_types::DescriptorProto) -> Result<(), ProtoSchemaError>,
) -> Result<(), ProtoSchemaError> {
    fn walk<'a>(
        prefix: &str,
        list: &'a [prost_types::DescriptorProto],
        depth: usize,
        visit: &mut dyn FnMut(
            &str,
            &'a prost_types::DescriptorProto,
        ) -> Result<(), ProtoSchemaError>,
    ) -> Result<(), ProtoSchemaError> {
        if depth > 100 {
            return Ok(());
        }
        for m in list {
            let full = format!("{prefix}.{}", m.name());
            visit(&full, m)?;
            walk(&full, &m.nested_type, depth + 1, visit)?;
        }
        Ok(())
    }
    walk(prefix, list, 0, visit)
}

fn is_base64_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=')
}

/// Confluent's own `.proto` files, which its clients import without registering them
/// (Confluent's `protobuf-types` module ships them inside the registry and serializers).
struct ConfluentFileResolver;

/// The files [`ConfluentFileResolver`] serves, by import name.
const CONFLUENT_FILES: [(&str, &str); 2] = [
    ("confluent/meta.proto", include_str!("confluent/meta.proto")),
    (
        "confluent/type/decimal.proto",
        include_str!("confluent/decimal.proto"),
    ),
];

impl FileResolver for ConfluentFileResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match CONFLUENT_FILES.iter().find(|(file, _)| *file == name) {
            Some((_, text)) => File::from_source(name, text),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// Serves the schema and its imports from memory.
struct MemoryResolver {
    files: HashMap<String, Source>,
}

impl FileResolver for MemoryResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.files.get(name) {
            Some(Source::Text(text)) => File::from_source(name, text),
            Some(Source::Descriptor(file)) => {
                let mut file = FileDescriptorProto::clone(file);
                file.name = Some(name.to_string());
                Ok(File::from_file_descriptor_proto(file))
            }
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}
