//! `streamhouse`: a schema registry from the command line, for CI and for incidents.
//!
//! ```text
//! streamhouse --url http://localhost:8081 subjects
//! streamhouse versions orders-value
//! streamhouse get orders-value latest          streamhouse get --id 7
//! streamhouse register orders-value schemas/orders-value.avsc
//! streamhouse check orders-value schemas/orders-value.avsc   # exit 1 when incompatible
//! streamhouse config get orders-value          streamhouse config set FULL orders-value
//! streamhouse delete orders-value [--version 3] [--permanent]
//! streamhouse export orders-value schemas/orders-value/      # v001.avsc, v002.avsc, ...
//! ```
//!
//! The registry URL, auth and TLS come from `--url` or `SCHEMA_REGISTRY_URL`, and from a
//! Confluent client `.properties` file (`--properties`: `basic.auth.user.info`,
//! `bearer.auth.*`, `schema.registry.ssl.*`, ...). `--output json` prints JSON for scripts.
//! Exit codes: 0 done (compatible), 1 incompatible, 2 any error.

mod commands;
mod references;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// A Confluent-compatible schema registry from the command line: subjects, versions,
/// schemas, registration, compatibility checks, config, deletes and exports.
#[derive(Debug, Parser)]
#[command(name = "streamhouse", version)]
pub struct Cli {
    /// The registry's URL (several comma-separated for failover).
    #[arg(long, env = "SCHEMA_REGISTRY_URL", global = true)]
    url: Option<String>,
    /// A Confluent client `.properties` file: schema.registry.url, basic.auth.user.info,
    /// bearer.auth.*, schema.registry.ssl.* (`--url` wins over its URL).
    #[arg(
        long,
        value_name = "FILE",
        env = "STREAMHOUSE_PROPERTIES",
        global = true
    )]
    properties: Option<PathBuf>,
    /// How to print answers.
    #[arg(long, value_enum, default_value_t = Output::Text, global = true)]
    output: Output,
    #[command(subcommand)]
    command: Command,
}

/// How answers are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// For people.
    Text,
    /// One JSON document, for scripts.
    Json,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the subjects.
    Subjects,
    /// List the versions of a subject.
    Versions {
        /// The subject.
        subject: String,
    },
    /// Print a schema: a subject's version (default latest), or `--id N`.
    Get {
        /// The subject.
        #[arg(required_unless_present = "id")]
        subject: Option<String>,
        /// `latest` or a version number.
        #[arg(default_value = "latest")]
        version: String,
        /// The registry-wide schema id instead of a subject version.
        #[arg(long, conflicts_with = "subject")]
        id: Option<i32>,
    },
    /// Register the schema in FILE under a subject (its format from the extension:
    /// .avsc Avro, .json JSON Schema, .proto Protobuf, or --type).
    Register {
        /// The subject.
        subject: String,
        /// The schema file.
        file: PathBuf,
        /// AVRO, JSON or PROTOBUF (default: from the file's extension).
        #[arg(long = "type")]
        schema_type: Option<String>,
    },
    /// Check the schema in FILE against a subject's version (default latest): exit 0 when
    /// compatible, 1 with the registry's messages when not. The schemas FILE refers to are
    /// read from files next to it, where `SchemaExport` writes them (imports at their
    /// import paths, `$ref` documents, Avro types as `<full name>.avsc`), and passed as
    /// references at the versions registered under their names.
    Check {
        /// The subject.
        subject: String,
        /// The schema file.
        file: PathBuf,
        /// `latest` or a version number.
        #[arg(long, default_value = "latest")]
        version: String,
        /// AVRO, JSON or PROTOBUF (default: from the file's extension).
        #[arg(long = "type")]
        schema_type: Option<String>,
    },
    /// Get or set the compatibility level (of a subject, or the global one).
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Get or set the mode (of a subject, or the global one): READWRITE, READONLY,
    /// READONLY_OVERRIDE, IMPORT.
    Mode {
        #[command(subcommand)]
        action: ModeAction,
    },
    /// Delete a subject, or one version (soft; `--permanent` after a soft delete).
    Delete {
        /// The subject.
        subject: String,
        /// Only this version (`latest` or a number).
        #[arg(long)]
        version: Option<String>,
        /// Hard delete (the subject or version must be soft-deleted first).
        #[arg(long)]
        permanent: bool,
    },
    /// Write every version of a subject to DIR as v001.avsc, v002.avsc, ... (the layout of
    /// a directory pin, `#[stream_schema(pin = "DIR/")]`).
    Export {
        /// The subject.
        subject: String,
        /// The directory (created when missing).
        dir: PathBuf,
    },
}

/// `config get` / `config set`.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the compatibility level in force.
    Get {
        /// The subject (default: the global level).
        subject: Option<String>,
    },
    /// Set the compatibility level: `config set FULL orders-value`, or `config set FULL`
    /// for the global level.
    Set {
        /// BACKWARD, FORWARD, FULL, their _TRANSITIVE forms, or NONE.
        level: String,
        /// The subject (default: the global level).
        subject: Option<String>,
    },
}

/// `mode get` / `mode set`.
#[derive(Debug, Subcommand)]
pub enum ModeAction {
    /// Print the mode in force.
    Get {
        /// The subject (default: the global mode).
        subject: Option<String>,
    },
    /// Set the mode: `mode set READONLY orders-value`, or `mode set READONLY` globally.
    Set {
        /// READWRITE, READONLY, READONLY_OVERRIDE or IMPORT.
        mode: String,
        /// The subject (default: the global mode).
        subject: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(commands::Outcome::Done) => ExitCode::SUCCESS,
        Ok(commands::Outcome::Incompatible) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
