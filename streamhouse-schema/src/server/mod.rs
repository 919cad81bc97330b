//! An embedded, Confluent-compatible schema registry server (feature `server`).
//!
//! It speaks the Confluent Schema Registry REST API (subjects, versions, schemas by id,
//! compatibility checks, config and mode, soft and permanent deletes) with Confluent's JSON
//! shapes and error codes, stores schemas in SQLite (a file or `sqlite::memory:`) or
//! PostgreSQL (several instances may share one database: ids come from the database), and
//! checks compatibility with [`crate::compat`]. Routes are served at the root and again under
//! `/schemas` (`GET /schemas/subjects`).
//!
//! Data contracts: schemas carry Confluent's `metadata` and `ruleSet` (part of a schema's
//! identity: other metadata or rules mean another id and version); configs carry
//! `compatibilityGroup`, `defaultMetadata`, `overrideMetadata`, `defaultRuleSet` and
//! `overrideRuleSet`, merged into registrations as Confluent merges them;
//! `GET /subjects/{s}/metadata?key=&value=` finds the latest version with given metadata.
//! The DEK registry (`/dek-registry/v1/keks...`) stores KEKs and wrapped DEKs; holding no
//! KMS credentials, it never generates or unwraps key material. Databases made by earlier
//! releases are migrated forward when the server opens them.
//!
//! Start one in-process with [`spawn`] (as below), or run the `streamhouse-registry` binary:
//!
//! ```text
//! streamhouse-registry --listen 127.0.0.1:8081 --database sqlite://registry.db
//! streamhouse-registry --database postgres://user:pass@db/registry --basic-auth ops:secret
//! streamhouse-registry --tls-cert cert.pem --tls-key key.pem --tls-client-ca clients-ca.pem
//! ```
//!
//! Every flag also reads an environment variable: `STREAMHOUSE_REGISTRY_LISTEN`,
//! `STREAMHOUSE_REGISTRY_DATABASE`, `STREAMHOUSE_REGISTRY_MAX_BODY_BYTES`,
//! `STREAMHOUSE_REGISTRY_MAX_CONNECTIONS` (database pool), `STREAMHOUSE_REGISTRY_LOG_JSON`
//! and those below; `RUST_LOG` sets the log filter. SIGINT and SIGTERM shut it down
//! gracefully (in-flight requests finish).
//!
//! Authentication ([`RegistryConfig`] field, flag, environment variable):
//!
//! | field | flag | variable |
//! |---|---|---|
//! | `basic_auth` | `--basic-auth USER:PASSWORD` | `STREAMHOUSE_REGISTRY_BASIC_AUTH` |
//! | `readonly_basic_auth` | `--readonly-basic-auth USER:PASSWORD` | `STREAMHOUSE_REGISTRY_READONLY_BASIC_AUTH` |
//! | `bearer_tokens` | `--bearer-token TOKEN` (repeatable) | `STREAMHOUSE_REGISTRY_BEARER_TOKENS` (comma-separated) |
//! | `readonly_bearer_tokens` | `--readonly-bearer-token TOKEN` | `STREAMHOUSE_REGISTRY_READONLY_BEARER_TOKENS` |
//!
//! With any credential configured, every route except `/health` and the `/ui` files needs
//! `Authorization: Basic ...` or `Bearer ...` (schemes in any case) matching one of them,
//! compared in constant time; otherwise 401 with error code 40101 and a `WWW-Authenticate` challenge per
//! configured scheme. Read-only credentials may GET, look schemas up (`POST /subjects/{s}`)
//! and check compatibility (`POST /compatibility/...`); other requests get 403 / 40301.
//! READONLY mode still refuses writes to everyone (42205). Passwords and tokens never
//! appear in logs or in `Debug` output.
//!
//! TLS: `tls` ([`TlsConfig`]) / `--tls-cert PEM --tls-key PEM` /
//! `STREAMHOUSE_REGISTRY_TLS_CERT`, `STREAMHOUSE_REGISTRY_TLS_KEY` serves HTTPS (rustls);
//! `--tls-client-ca PEM` / `STREAMHOUSE_REGISTRY_TLS_CLIENT_CA` also requires client
//! certificates signed by that CA (mutual TLS).
//!
//! Slow and stalled clients ([`spawn`] applies these; [`router`] alone has only the body
//! deadline):
//!
//! | field (default) | flag | variable |
//! |---|---|---|
//! | `header_read_timeout` (30 s) | `--header-read-timeout-secs` | `STREAMHOUSE_REGISTRY_HEADER_READ_TIMEOUT_SECS` |
//! | `body_read_timeout` (30 s) | `--body-read-timeout-secs` | `STREAMHOUSE_REGISTRY_BODY_READ_TIMEOUT_SECS` |
//! | `max_client_connections` (512) | `--max-client-connections` | `STREAMHOUSE_REGISTRY_MAX_CLIENT_CONNECTIONS` |
//!
//! A connection that has not sent complete headers (or finished its TLS handshake) within
//! the header timeout is closed, which also ends idle keep-alive connections; a body not
//! received in full within the body timeout gets 408 and the connection is closed; a body
//! declared larger than `max_body_bytes` gets 413 / 42209 before anything is read. At
//! `max_client_connections` the server stops accepting and further clients wait in the
//! listen backlog until a connection closes.
//!
//! A schema browser is served at `/ui/` (off with [`RegistryConfig::ui`] / `--no-ui` /
//! `STREAMHOUSE_REGISTRY_NO_UI`): static files compiled into the binary, served without
//! credentials and with a self-only Content-Security-Policy; the page calls the REST API with
//! the credentials the user types in, so the API's authentication applies to it unchanged.
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
//! A Protobuf schema may arrive as a base64 `FileDescriptorProto`, as confluent-kafka-python's
//! `ProtobufSerializer` registers it. It is stored as `.proto` text (Confluent's registry too
//! stores text, `ProtobufSchema.canonicalString()`), so it is one schema whichever form it is
//! sent in: registering it again or looking it up, as text or as a descriptor, finds the same
//! id and version. `?format=serialized` compiles the text back into the descriptor that was
//! sent (nested types in the same order, so message-index paths name the same messages), but
//! for the file name, `default` as in Confluent's answer, and with a field's `json_name` only
//! where the schema sets one (as protoc's generated code and Confluent's answer have it). Map
//! fields are stored as `map<K, V>`, which protoc compiles; Confluent's own text keeps the
//! synthetic `XEntry` messages with `option map_entry = true` unless the schema is normalized.
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

mod answers;
mod auth;
mod body_deadline;
mod cache;
mod config;
mod contracts;
mod credentials;
mod dek;
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
mod serve;
mod state;
mod store;
mod subject;
mod tls;
mod verdict;
mod version;

pub use answers::DEFAULT_REGISTRATION_CACHE_BYTES;
pub use cache::DEFAULT_SCHEMA_CACHE_BYTES;
pub use config::{
    redact_url, RegistryConfig, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CLIENT_CONNECTIONS,
};
pub use credentials::{BasicAuth, BearerToken, InvalidBasicAuth, InvalidBearerToken};
pub use error::{ApiError, ServerError};
pub use metrics::RequestCounter;
pub use references::MAX_REFERENCE_DEPTH;
pub use response::CONTENT_TYPE;
pub use routes::router;
pub use running::{spawn, RunningServer};
pub use state::AppState;
pub use subject::MAX_SUBJECT_BYTES;
pub use tls::TlsConfig;
