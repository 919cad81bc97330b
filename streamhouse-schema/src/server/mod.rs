//! An embedded, Confluent-compatible schema registry server (feature `server`).
//!
//! It speaks the Confluent Schema Registry REST API (subjects, versions, schemas by id,
//! compatibility checks, config and mode, soft and permanent deletes) with Confluent's JSON
//! shapes and error codes, stores schemas in SQLite (a file or `sqlite::memory:`) or
//! PostgreSQL (several instances may share one database: ids come from the database), and
//! checks compatibility with [`crate::compat`]. Routes are served at the root and again under
//! `/schemas` (`GET /schemas/subjects`).
//!
//! Start one in-process with [`spawn`] (as below), or run the `streamhouse-registry` binary:
//!
//! ```text
//! streamhouse-registry --listen 127.0.0.1:8081 --database sqlite://registry.db
//! streamhouse-registry --database postgres://user:pass@db/registry --basic-auth ops:secret
//! ```
//!
//! Every flag also reads an environment variable: `STREAMHOUSE_REGISTRY_LISTEN`,
//! `STREAMHOUSE_REGISTRY_DATABASE`, `STREAMHOUSE_REGISTRY_BASIC_AUTH` (`user:password`),
//! `STREAMHOUSE_REGISTRY_MAX_BODY_BYTES`, `STREAMHOUSE_REGISTRY_MAX_CONNECTIONS`,
//! `STREAMHOUSE_REGISTRY_LOG_JSON`; `RUST_LOG` sets the log filter. SIGINT and SIGTERM shut
//! it down gracefully (in-flight requests finish).
//!
//! Schema `references` are followed (transitively) when a schema is validated, checked for
//! compatibility or serialized: Avro named types, JSON Schema `$ref`s by reference name and
//! Protobuf imports by import path; a referenced version cannot be deleted (42206). As
//! Confluent does, a reference to version `-1` (latest) is stored as the version it resolved
//! to, which it then protects. Reference chains are at most [`MAX_REFERENCE_DEPTH`] links
//! long, and an Avro schema nests at most
//! [`MAX_AVRO_DEPTH`](crate::compat::avro::MAX_AVRO_DEPTH) levels with the named types it
//! uses expanded (42201 past either).
//!
//! Bad input never gets a 500: every error is Confluent's JSON with a 4xx code. Subjects
//! must be non-empty, at most [`MAX_SUBJECT_BYTES`] long and free of control characters
//! (42208); schemas may not contain U+0000 (42201); IMPORT ids must fit the 4-byte wire
//! header, 1..=2^31-1 (42207). `/health` answers UP only when a write transaction can begin
//! and the tables answer.
//! Modes are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT (registrations with their own
//! `id` and `version`, as replication tools send them). Incompatible verdicts carry
//! Confluent's messages (`verbose=true`, and the 409 of a registration).
//!
//! Protobuf schemas are parsed with the files their references import, so compatibility
//! compares the message types used from an import field by field, with the rules of the
//! schema's own messages (as Confluent does when two versions reference different versions
//! of the import); the field using a changed message is reported too. Stricter than
//! Confluent: an imported message whose package changed is a changed type, not compared.
//!
//! Known limits: one schema never has two ids, even in IMPORT mode; contexts are not
//! supported.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use streamhouse_schema::server::{spawn, RegistryConfig};
//!
//! let server = spawn(RegistryConfig::in_memory()).await?;
//! let subjects: Vec<String> = reqwest::get(format!("{}/subjects", server.url()))
//!     .await?
//!     .json()
//!     .await?;
//! assert!(subjects.is_empty());
//! assert_eq!(server.requests().count("GET", "/subjects"), 1);
//! server.shutdown().await?;
//! # Ok(()) }
//! ```

mod auth;
mod cache;
mod config;
mod error;
mod extract;
mod json_errors;
mod metrics;
mod model;
mod policy;
mod prepare;
mod references;
mod response;
mod routes;
mod running;
mod state;
mod store;
mod subject;
mod verdict;
mod version;

pub use cache::DEFAULT_SCHEMA_CACHE_BYTES;
pub use config::{redact_url, BasicAuth, InvalidBasicAuth, RegistryConfig, DEFAULT_MAX_BODY_BYTES};
pub use error::{ApiError, ServerError};
pub use metrics::RequestCounter;
pub use model::SchemaReference;
pub use references::MAX_REFERENCE_DEPTH;
pub use response::CONTENT_TYPE;
pub use routes::router;
pub use running::{spawn, RunningServer};
pub use state::AppState;
pub use subject::MAX_SUBJECT_BYTES;
