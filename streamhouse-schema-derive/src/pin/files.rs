//! `#[stream_schema(pin = "...", compatibility = "...")]`: the type against committed schema
//! files, with the registry's own compatibility rules (`streamhouse-schema-core::compat`).

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use streamhouse_schema_core::compat::{CompatError, CompatibilityLevel};
use streamhouse_schema_core::json_schema::{to_json_schema_titled, JsonSchemaDraft};
use streamhouse_schema_core::model::TypeModel;
use streamhouse_schema_core::proto_file::{parse_proto, print_proto};
use streamhouse_schema_core::protobuf::{ProtoBuildError, ProtoSchema};
use streamhouse_schema_core::SchemaFormat;

use super::verdict::{verdict, Finding};
use super::{proto, report};
use crate::ast::Container;
use crate::ctxt::Ctxt;

/// The environment variable that turns checks into updates of the pinned files.
pub const UPDATE_ENV: &str = "STREAMHOUSE_SCHEMA_UPDATE";

struct PinFile {
    path: PathBuf,
    text: String,
}

fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// A pin path is relative to the crate's manifest directory; when nothing is there, to the
/// directory of the file that defines the type (what standalone test crates, such as
/// trybuild cases, need).
fn resolve(rel: &str, source_file: Option<&Path>) -> PathBuf {
    let from_manifest = manifest_dir().join(rel);
    if from_manifest.exists() {
        return from_manifest;
    }
    match source_file.and_then(Path::parent).map(|d| d.join(rel)) {
        Some(p) if p.exists() => p,
        _ => from_manifest,
    }
}

/// Whether `STREAMHOUSE_SCHEMA_UPDATE` asks for the pinned files to be written.
pub fn updating() -> bool {
    std::env::var(UPDATE_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The schema format a pinned file's extension names.
fn format_of(ext: &str) -> Option<SchemaFormat> {
    match ext {
        "avsc" => Some(SchemaFormat::Avro),
        "json" => Some(SchemaFormat::Json),
        "proto" => Some(SchemaFormat::Protobuf),
        _ => None,
    }
}

fn extension(format: SchemaFormat) -> &'static str {
    match format {
        SchemaFormat::Avro => "avsc",
        SchemaFormat::Json => "json",
        SchemaFormat::Protobuf => "proto",
    }
}

/// The format of a pin: by the file's extension, or by the one kind of schema file a
/// directory holds (Avro for an empty directory).
fn pin_format(path: &Path, is_dir_pin: bool) -> Result<SchemaFormat, String> {
    if !is_dir_pin {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        return format_of(ext).ok_or_else(|| {
            format!("pin {:?}: a pinned schema is an Avro `.avsc`, a JSON Schema `.json` or a Protobuf `.proto` file (or a directory of them)", path.display())
        });
    }
    let mut found: Vec<SchemaFormat> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    e.path()
                        .extension()
                        .and_then(|x| x.to_str())
                        .and_then(format_of)
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort_by_key(|f| extension(*f));
    found.dedup();
    match found.as_slice() {
        [] => Ok(SchemaFormat::Avro),
        [one] => Ok(*one),
        _ => Err(format!(
            "the pinned directory {:?} mixes schema formats: keep one format's versions per directory",
            path.display()
        )),
    }
}

/// The pinned versions, oldest first: the file, or every file of the format in the
/// directory in name order (name them so that order is version order, e.g. `v001.avsc`).
fn read_pins(path: &Path, format: SchemaFormat) -> Result<Vec<PinFile>, String> {
    let mut files = Vec::new();
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == extension(format)))
            .collect();
        paths.sort();
        files = paths;
    } else if path.exists() {
        files.push(path.to_path_buf());
    }
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            Ok(PinFile { path: p, text })
        })
        .collect()
}

fn pretty(json: &Value) -> String {
    serde_json::to_string_pretty(json).unwrap_or_else(|_| json.to_string()) + "\n"
}

/// The type's schema in the pin's format, as the runtime registers it.
enum Current {
    /// Avro or JSON Schema: a JSON document.
    Json(Value),
    /// Protobuf: the generated file and its `.proto` text.
    Proto(Box<ProtoSchema>),
}

impl Current {
    /// `title` is the type's name, which the runtime gives a root that is not a named type
    /// (`SchemaType::json_title`).
    fn build(
        format: SchemaFormat,
        model: &TypeModel,
        avro: &Value,
        title: &str,
    ) -> Result<Self, ProtoBuildError> {
        Ok(match format {
            SchemaFormat::Avro => Current::Json(avro.clone()),
            SchemaFormat::Json => Current::Json(Value::Object(to_json_schema_titled(
                model,
                JsonSchemaDraft::default(),
                Some(title),
            ))),
            SchemaFormat::Protobuf => Current::Proto(Box::new(ProtoSchema::build(model)?)),
        })
    }

    /// What a pinned file holds.
    fn text(&self) -> String {
        match self {
            Current::Json(json) => pretty(json),
            Current::Proto(proto) => proto.text().to_string(),
        }
    }

    /// Whether the pinned `text` is this schema already (so an update writes nothing).
    fn same_as(&self, text: &str) -> bool {
        match self {
            Current::Json(json) => serde_json::from_str::<Value>(text).ok().as_ref() == Some(json),
            // Compared as text first: the printer cannot print back the custom options
            // (`(confluent.field_meta)` tags) that a parsed file has resolved.
            Current::Proto(proto) => {
                text == proto.text()
                    || parse_proto(text).is_ok_and(|file| print_proto(&file) == proto.text())
            }
        }
    }

    /// The error of one finding against the pinned version `pinned`.
    fn report(
        &self,
        c: &Container,
        pin: &report::Pin<'_>,
        finding: &Finding,
        pinned: Option<&str>,
    ) -> syn::Error {
        match self {
            Current::Json(json) => {
                let old = pinned.and_then(|t| serde_json::from_str::<Value>(t).ok());
                report::error(c, pin, finding, json, old.as_ref())
            }
            Current::Proto(proto) => {
                let old = pinned.and_then(|t| parse_proto(t).ok()).unwrap_or_default();
                let files = proto::Files {
                    current: proto.file(),
                    pinned: &old,
                };
                let loc = proto::locate(&files, finding);
                report::render(c, pin, finding, &loc, &proto::hint(&files, finding))
            }
        }
    }
}

/// Checks (or, with `STREAMHOUSE_SCHEMA_UPDATE=1`, refreshes) the pinned files. Returns
/// tokens that make the build depend on those files and on the variable.
pub fn check(
    cx: &Ctxt,
    c: &Container,
    model: &TypeModel,
    avro: &Value,
    pin: &crate::attr::Spanned<String>,
    source_file: Option<&Path>,
    update: bool,
) -> TokenStream {
    let ty_name = c.ident.to_string();
    let rel = &pin.value;
    let path = resolve(rel, source_file);
    let is_dir_pin = rel.ends_with('/') || path.is_dir();
    let format = match pin_format(&path, is_dir_pin) {
        Ok(f) => f,
        Err(e) => {
            cx.syn_error(syn::Error::new(pin.span, format!("`{ty_name}`: {e}")));
            return quote!();
        }
    };
    // The document the runtime registers for this format.
    let current = match Current::build(format, model, avro, &c.name) {
        Ok(current) => current,
        Err(e) => {
            cx.syn_error(syn::Error::new(
                pin.span,
                format!("`{ty_name}`: pin {rel:?}: the type has no Protobuf schema: {e}"),
            ));
            return quote!();
        }
    };
    let level = match &c.attrs.compatibility {
        None => CompatibilityLevel::Backward,
        Some(l) => match l.value.parse::<CompatibilityLevel>() {
            Ok(level) => level,
            Err(e) => {
                cx.syn_error(syn::Error::new(l.span, format!("`{ty_name}`: {e}")));
                return quote!();
            }
        },
    };
    let pins = match read_pins(&path, format) {
        Ok(p) => p,
        Err(e) => {
            cx.syn_error(syn::Error::new(pin.span, format!("`{ty_name}`: {e}")));
            return quote!();
        }
    };
    let current_text = current.text();
    if pins.is_empty() {
        if update {
            let target = if is_dir_pin {
                path.join(format!("v001.{}", extension(format)))
            } else {
                path.clone()
            };
            if let Some(parent) = target.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            if let Err(e) = std::fs::write(&target, &current_text) {
                cx.syn_error(syn::Error::new(
                    pin.span,
                    format!("`{ty_name}`: cannot write {}: {e}", target.display()),
                ));
            }
            return tracking(&[target]);
        }
        cx.syn_error(syn::Error::new(
            pin.span,
            format!("`{ty_name}`: the pinned schema {rel:?} does not exist yet: create it from the current type with `{UPDATE_ENV}=1 cargo build`, then commit it"),
        ));
        return quote!();
    }

    let pinned: Vec<&str> = pins.iter().map(|p| p.text.as_str()).collect();
    let shown = |index: usize| -> String {
        match (is_dir_pin, pins.get(index).and_then(|p| p.path.file_name())) {
            (true, Some(name)) => {
                format!("{}/{}", rel.trim_end_matches('/'), name.to_string_lossy())
            }
            _ => rel.clone(),
        }
    };
    // A Protobuf file importing the own files of types of other packages is checked with
    // them, as the registry resolves its references.
    let imports: Vec<(&str, &str)> = match &current {
        Current::Proto(proto) => proto
            .imports()
            .iter()
            .map(|i| (i.name(), i.text()))
            .collect(),
        Current::Json(_) => Vec::new(),
    };
    let broke = match verdict(format, level, &current_text, &pinned, &imports) {
        Ok(findings) => {
            for finding in &findings {
                let old = pins.get(finding.version).map(|p| p.text.as_str());
                let against = report::Pin {
                    format,
                    level,
                    span: pin.span,
                    shown: &shown(finding.version),
                };
                cx.syn_error(current.report(c, &against, finding, old));
            }
            !findings.is_empty()
        }
        Err(CompatError::InvalidExistingSchema { index, message, .. }) => {
            cx.syn_error(syn::Error::new(
                pin.span,
                format!(
                    "`{ty_name}`: the pinned schema {:?} does not parse: {message}",
                    shown(index)
                ),
            ));
            true
        }
        Err(e) => {
            cx.syn_error(syn::Error::new(
                pin.span,
                format!("`{ty_name}`: the generated schema does not parse: {e}"),
            ));
            true
        }
    };
    let files: Vec<PathBuf> = pins.iter().map(|p| p.path.clone()).collect();
    if update && !broke {
        let latest = pins.last().map(|p| p.text.as_str()).unwrap_or("");
        if !current.same_as(latest) {
            let target = if is_dir_pin {
                path.join(format!("v{:03}.{}", pins.len() + 1, extension(format)))
            } else {
                path.clone()
            };
            if let Err(e) = std::fs::write(&target, &current_text) {
                cx.syn_error(syn::Error::new(
                    pin.span,
                    format!("`{ty_name}`: cannot write {}: {e}", target.display()),
                ));
            }
        }
    }
    tracking(&files)
}

/// Makes the crate rebuild when a pinned file or the update variable changes.
fn tracking(files: &[PathBuf]) -> TokenStream {
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    quote! {
        const _: () = {
            #(let _ = ::core::include_bytes!(#paths);)*
            let _ = ::core::option_env!("STREAMHOUSE_SCHEMA_UPDATE");
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::{model, scan::Index};
    use streamhouse_schema_core::avro::to_avro_json;

    /// Runs the pin check of `input` like the derive does; returns the error messages.
    fn run(input: syn::DeriveInput, update: bool) -> Vec<String> {
        let cx = Ctxt::default();
        let errors = match Container::from_ast(&cx, &input) {
            Some(c) => {
                let m = model::build(&c, &Index::default()).unwrap();
                let avro = to_avro_json(&m);
                let pin = c.attrs.pin.as_ref().unwrap();
                check(&cx, &c, &m, &avro, pin, None, update);
                Vec::new()
            }
            None => vec!["not a container".to_string()],
        };
        match cx.check() {
            Ok(()) => errors,
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn versions(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The update workflow on a directory pin: a missing pin is an error telling how to
    /// create it; the update writes v001, a compatible change adds v002, an incompatible
    /// one is still an error and writes nothing, and without the update nothing is written.
    #[test]
    fn update_writes_versions_only_for_compatible_changes() {
        let dir = std::env::temp_dir().join(format!("shs-pin-update-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pin = format!("{}/", dir.display());
        let v1: syn::DeriveInput = syn::parse_quote! {
            #[stream_schema(namespace = "t", pin = #pin)]
            struct Order { id: String }
        };
        let v2: syn::DeriveInput = syn::parse_quote! {
            #[stream_schema(namespace = "t", pin = #pin)]
            struct Order { id: String, note: Option<String> }
        };
        let v3: syn::DeriveInput = syn::parse_quote! {
            #[stream_schema(namespace = "t", pin = #pin)]
            struct Order { id: String, note: Option<String>, qty: i32 }
        };

        let missing = run(v1.clone(), false);
        assert_eq!(missing.len(), 1);
        assert!(missing[0].contains("does not exist yet") && missing[0].contains(UPDATE_ENV));

        assert_eq!(run(v1.clone(), true), Vec::<String>::new());
        assert_eq!(versions(&dir), ["v001.avsc"]);
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("v001.avsc")).unwrap()).unwrap();
        assert_eq!(written["name"], "Order");
        assert_eq!(written["namespace"], "t");
        assert_eq!(written["fields"][0]["name"], "id");

        // Unchanged: nothing new. Compatible, without the update: checked, nothing written.
        assert_eq!(run(v1, true), Vec::<String>::new());
        assert_eq!(run(v2.clone(), false), Vec::<String>::new());
        assert_eq!(versions(&dir), ["v001.avsc"]);

        assert_eq!(run(v2, true), Vec::<String>::new());
        assert_eq!(versions(&dir), ["v001.avsc", "v002.avsc"]);

        let broken = run(v3, true);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(
            broken[0].contains("`Order.qty` breaks BACKWARD compatibility"),
            "{broken:?}"
        );
        assert!(broken[0].contains("v002.avsc"), "{broken:?}");
        assert_eq!(versions(&dir), ["v001.avsc", "v002.avsc"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The same workflow on a `.proto` file pin: the update writes the generated `.proto`
    /// text, refreshes it after a compatible change, and a renumbered field (which the
    /// registry would accept) is an error that leaves the pinned file alone.
    #[test]
    fn proto_pins_are_written_checked_and_refreshed() {
        let dir = std::env::temp_dir().join(format!("shs-pin-proto-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("order.proto");
        let pin = file.display().to_string();
        let v1: syn::DeriveInput = syn::parse_quote! {
            #[stream_schema(namespace = "shop", pin = #pin)]
            struct Order { #[stream_schema(tag = 1)] id: String }
        };
        let v2: syn::DeriveInput = syn::parse_quote! {
            #[stream_schema(namespace = "shop", pin = #pin)]
            struct Order {
                #[stream_schema(tag = 1)] id: String,
                #[stream_schema(tag = 2)] qty: i32,
            }
        };
        let renumbered: syn::DeriveInput = syn::parse_quote! {
            #[stream_schema(namespace = "shop", pin = #pin)]
            struct Order {
                #[stream_schema(tag = 1)] id: String,
                #[stream_schema(tag = 3)] qty: i32,
            }
        };
        let untagged: syn::DeriveInput = syn::parse_quote! {
            #[stream_schema(namespace = "shop", pin = #pin)]
            struct Order { id: String }
        };

        assert_eq!(run(v1.clone(), true), Vec::<String>::new());
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "syntax = \"proto3\";\n\npackage shop;\n\nmessage Order {\n  string id = 1;\n}\n"
        );
        assert_eq!(run(v1, false), Vec::<String>::new());

        assert_eq!(run(v2, true), Vec::<String>::new());
        let refreshed = std::fs::read_to_string(&file).unwrap();
        assert!(refreshed.contains("  int32 qty = 2;\n"), "{refreshed}");

        let broken = run(renumbered, true);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(
            broken[0].starts_with("`Order.qty` breaks BACKWARD compatibility")
                && broken[0].contains("FIELD_RENUMBERED")
                && broken[0].contains("#[stream_schema(tag = 2)]"),
            "{broken:?}"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), refreshed);

        let missing_tag = run(untagged, false);
        assert_eq!(missing_tag.len(), 1, "{missing_tag:?}");
        assert!(
            missing_tag[0].contains("has no Protobuf schema") && missing_tag[0].contains("tag = N"),
            "{missing_tag:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Tags and rules are a contract on the schema, not a change of its shape: adding,
    /// changing or removing them never fails a pin, in any format. An update records the
    /// tagged text as the next version once (and then nothing while the type is unchanged).
    #[test]
    fn tags_and_rules_never_break_a_pin() {
        for ext in ["avsc", "json", "proto"] {
            let dir =
                std::env::temp_dir().join(format!("shs-pin-tags-{ext}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            let pin = format!("{}/", dir.display());
            let plain: syn::DeriveInput = syn::parse_quote! {
                #[stream_schema(namespace = "shop", pin = #pin)]
                struct Order {
                    #[stream_schema(tag = 1)] id: String,
                    #[stream_schema(tag = 2)] card: String,
                }
            };
            let tagged: syn::DeriveInput = syn::parse_quote! {
                #[stream_schema(namespace = "shop", pin = #pin)]
                #[stream_schema(rule(name = "has_id", expr = "size(message.id) > 0"))]
                #[stream_schema(encrypt(tags("PII"), kek = "k"))]
                struct Order {
                    #[stream_schema(tag = 1)] id: String,
                    #[stream_schema(tag = 2, tags("PII"))] card: String,
                }
            };
            let retagged: syn::DeriveInput = syn::parse_quote! {
                #[stream_schema(namespace = "shop", pin = #pin)]
                struct Order {
                    #[stream_schema(tag = 1, tags("ID"))] id: String,
                    #[stream_schema(tag = 2, tags("PCI", "PII"))] card: String,
                }
            };
            // The first version's format comes from the extension of a file in the
            // directory: write it by hand in that format, then let the checks run.
            let first = match ext {
                "avsc" => r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"card","type":"string"}]}"#.to_string(),
                "json" => r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Order","type":"object","properties":{"id":{"type":"string"},"card":{"type":"string"}},"required":["id","card"]}"#.to_string(),
                _ => "syntax = \"proto3\";\n\npackage shop;\n\nmessage Order {\n  string id = 1;\n  string card = 2;\n}\n".to_string(),
            };
            std::fs::write(dir.join(format!("v001.{ext}")), first).unwrap();
            assert_eq!(run(plain, false), Vec::<String>::new(), "{ext}");
            assert_eq!(run(tagged.clone(), false), Vec::<String>::new(), "{ext}");
            assert_eq!(run(tagged.clone(), true), Vec::<String>::new(), "{ext}");
            assert_eq!(
                versions(&dir),
                [format!("v001.{ext}"), format!("v002.{ext}")]
            );
            let recorded = std::fs::read_to_string(dir.join(format!("v002.{ext}"))).unwrap();
            let expected_tag = match ext {
                "proto" => "string card = 2 [(confluent.field_meta) = { tags: \"PII\" }];",
                _ => "\"confluent:tags\": [\n",
            };
            assert!(recorded.contains(expected_tag), "{ext}: {recorded}");
            // Unchanged: no new version.
            assert_eq!(run(tagged, true), Vec::<String>::new(), "{ext}");
            assert_eq!(versions(&dir).len(), 2, "{ext}");
            assert_eq!(run(retagged, false), Vec::<String>::new(), "{ext}");
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
