//! Writing derived types' schemas to a folder: for review in pull requests, as pinned files
//! (`#[stream_schema(pin = ...)]`), and for the `streamhouse check` command in CI.
//!
//! The usual pattern is a test that keeps a committed folder in step with the types:
//!
//! ```no_run
//! use streamhouse_schema::schema::export::SchemaExport;
//! use streamhouse_schema::StreamSchema;
//!
//! #[derive(StreamSchema)]
//! #[stream_schema(namespace = "com.acme")]
//! struct Order { id: String, cents: i64 }
//!
//! #[test]
//! fn schemas_are_committed() {
//!     let export = SchemaExport::new("schemas").add::<Order>().add_as::<Order>("orders-value");
//!     // With STREAMHOUSE_SCHEMA_UPDATE=1 the files are (re)written; otherwise the test fails
//!     // naming every file that is missing or differs from what the types generate.
//!     export.write_or_check().unwrap();
//! }
//! ```
//!
//! Each type gives `<stem>.avsc` (the Avro schema, as registered), `<stem>.json` (the JSON
//! Schema) and, for types derived with Protobuf, `<stem>.proto`: the texts `send_typed`
//! registers, so a file can be given to `streamhouse check SUBJECT FILE` unchanged. The
//! schemas those refer to are written next to them under their reference names, as
//! `send_typed` registers them first: the files a `.proto` imports at their import paths
//! (`billing/v2/Money.proto`), and for `#[stream_schema(reference)]` types
//! `<full name>.avsc` and `<full name>.json` (the `$ref` target of the referring JSON
//! Schema); `streamhouse check` finds them there.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{SchemaFormat, StreamSchema};

/// The environment variable that makes [`SchemaExport::write_or_check`] write instead of
/// check (the same one that refreshes compile-time pins).
pub const UPDATE_VAR: &str = "STREAMHOUSE_SCHEMA_UPDATE";

/// A set of schema files to write or check, built with [`add`](Self::add).
#[derive(Debug, Clone)]
pub struct SchemaExport {
    dir: PathBuf,
    files: Vec<(PathBuf, String)>,
    /// The first added type whose schemas cannot be built: its name and why.
    invalid: Option<(&'static str, String)>,
}

/// What [`SchemaExport::write`] did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The file's path.
    pub path: PathBuf,
    /// Whether it was created or its content changed (an unchanged file is not rewritten).
    pub changed: bool,
}

/// Files whose content differs from what the types generate (or that are missing).
#[derive(Debug)]
pub struct StaleSchemas {
    /// The stale files.
    pub paths: Vec<PathBuf>,
}

impl fmt::Display for StaleSchemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} schema file(s) differ from the types (run with {UPDATE_VAR}=1 to rewrite them):",
            self.paths.len()
        )?;
        for path in &self.paths {
            write!(f, " {}", path.display())?;
        }
        Ok(())
    }
}

impl std::error::Error for StaleSchemas {}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// Files differ from the types (only from [`SchemaExport::check`]).
    #[error(transparent)]
    Stale(#[from] StaleSchemas),
    /// A type's schemas cannot be built (two types claim one schema name, ...).
    #[error("the schemas of `{type_name}` cannot be built: {message}")]
    InvalidSchema {
        /// The Rust type.
        type_name: &'static str,
        /// Why.
        message: String,
    },
}

impl SchemaExport {
    /// An empty export into `dir` (created by [`write`](Self::write) if missing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        SchemaExport {
            dir: dir.into(),
            files: Vec::new(),
            invalid: None,
        }
    }

    /// Adds `T`'s schemas, named after its full name (`com.acme.Order.avsc`, ...).
    pub fn add<T: StreamSchema>(self) -> Self {
        self.add_as::<T>(T::full_name())
    }

    /// Adds `T`'s schemas under file stem `stem` (e.g. the subject, `orders-value`), and
    /// the schemas they refer to next to them, where a registry's reference names point:
    /// the files a `.proto` imports at their import paths (`billing/v2/Money.proto`), the
    /// Avro and JSON schemas of `#[stream_schema(reference)]` types as
    /// `<full name>.avsc` and `<full name>.json` (the JSON `$ref`s name those files).
    pub fn add_as<T: StreamSchema>(mut self, stem: &str) -> Self {
        let type_name = std::any::type_name::<T>();
        let schemas = match T::try_schemas() {
            Ok(schemas) => schemas,
            Err(error) => {
                // Reported by write and check, which return errors; adding stays chainable.
                self.invalid.get_or_insert((type_name, error.to_string()));
                return self;
            }
        };
        for (format, extension, plain) in [
            (SchemaFormat::Avro, "avsc", T::avro_schema_json()),
            (SchemaFormat::Json, "json", T::json_schema_text()),
        ] {
            match schemas.registered(format) {
                Ok(None) => self.push(type_name, format!("{stem}.{extension}"), plain),
                Ok(Some(registered)) => {
                    self.push(type_name, format!("{stem}.{extension}"), &registered.text);
                    for referenced in &registered.referenced {
                        // JSON reference names are file names already (`x.LineItem.json`).
                        let file = match format {
                            SchemaFormat::Avro => format!("{}.avsc", referenced.name),
                            _ => referenced.name.clone(),
                        };
                        self.push(type_name, file, &referenced.text);
                    }
                }
                Err(error) => {
                    self.invalid.get_or_insert((type_name, error.to_string()));
                }
            }
        }
        match T::try_proto_schema() {
            Ok(proto) => {
                self.push(type_name, format!("{stem}.proto"), proto.text());
                for import in proto.imports() {
                    self.push(type_name, import.name().to_string(), import.text());
                }
            }
            // A type derived with Protobuf must have its file; others have none.
            Err(error) if T::proto_codec().is_some() => {
                self.invalid.get_or_insert((type_name, error.to_string()));
            }
            Err(_) => {}
        }
        self
    }

    /// Adds the file `name` (relative to the folder) holding `text`. A file two types
    /// share (a referenced schema) is written once; two different texts for one file are
    /// an error of the export.
    fn push(&mut self, type_name: &'static str, name: String, text: &str) {
        let path = self.dir.join(&name);
        let mut text = text.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        match self.files.iter().find(|(p, _)| *p == path) {
            Some((_, existing)) if *existing == text => {}
            Some(_) => {
                self.invalid.get_or_insert((
                    type_name,
                    format!("{name} would be written twice with different contents (two types with the same schema name?)"),
                ));
            }
            None => self.files.push((path, text)),
        }
    }

    /// The files this export writes, with their contents.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files
            .iter()
            .map(|(path, text)| (path.as_path(), text.as_str()))
    }

    /// Writes every file whose content differs (creating the folder), leaving equal files
    /// untouched.
    pub fn write(&self) -> Result<Vec<Exported>, ExportError> {
        self.invalid()?;
        fs::create_dir_all(&self.dir).map_err(|source| ExportError::Io {
            path: self.dir.clone(),
            source,
        })?;
        let mut written = Vec::new();
        for (path, text) in self.files() {
            let changed = !same_content(path, text)?;
            if changed {
                // Imported `.proto` files sit in folders of their import paths.
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|source| ExportError::Io {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                fs::write(path, text).map_err(|source| ExportError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
            }
            written.push(Exported {
                path: path.to_path_buf(),
                changed,
            });
        }
        Ok(written)
    }

    /// Checks that every file exists with the content the types generate, writing nothing.
    pub fn check(&self) -> Result<(), ExportError> {
        self.invalid()?;
        let mut stale = Vec::new();
        for (path, text) in self.files() {
            if !same_content(path, text)? {
                stale.push(path.to_path_buf());
            }
        }
        if stale.is_empty() {
            Ok(())
        } else {
            Err(StaleSchemas { paths: stale }.into())
        }
    }

    /// [`write`](Self::write) when `STREAMHOUSE_SCHEMA_UPDATE` is set (to anything but `0`),
    /// [`check`](Self::check) otherwise.
    pub fn write_or_check(&self) -> Result<(), ExportError> {
        match std::env::var(UPDATE_VAR) {
            Ok(value) if value != "0" => self.write().map(drop),
            _ => self.check(),
        }
    }

    /// The first added type whose schemas could not be built.
    fn invalid(&self) -> Result<(), ExportError> {
        match &self.invalid {
            Some((type_name, message)) => Err(ExportError::InvalidSchema {
                type_name,
                message: message.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// Whether `path` holds exactly `text` (`false` when it does not exist).
fn same_content(path: &Path, text: &str) -> Result<bool, ExportError> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes == text.as_bytes()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(ExportError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}
