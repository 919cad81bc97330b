//! What each `streamhouse` subcommand does, through the crate's registry client.

use std::path::Path;

use serde_json::{json, Value};
use streamhouse_schema::compat::CompatibilityLevel;
use streamhouse_schema::registry::{
    IntoVersion, Mode, Properties, RegisteredSchema, Schema, SchemaRegistryClient,
    SchemaRegistryClientBuilder,
};
use streamhouse_schema::{ClientError, SchemaFormat};

use super::{references, Cli, Command, ConfigAction, ModeAction, Output};

/// How a command ended when it did not fail.
pub enum Outcome {
    /// Done (and, for `check`, compatible).
    Done,
    /// `check` found the schema incompatible.
    Incompatible,
}

/// Runs the command.
pub async fn run(cli: Cli) -> Result<Outcome, ClientError> {
    let client = client(&cli)?;
    let json = cli.output == Output::Json;
    match cli.command {
        Command::Subjects => {
            let subjects = client.list_subjects().await?;
            print(json, &json!(subjects), || subjects.join("\n"));
        }
        Command::Versions { subject } => {
            let versions = client.list_versions(&subject).await?;
            print(json, &json!(versions), || {
                versions
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Get {
            subject,
            version,
            id,
        } => match (subject, id) {
            (_, Some(id)) => {
                let schema = client.get_schema_by_id(id).await?;
                print(json, &to_json(&*schema), || schema.schema.clone());
            }
            (Some(subject), None) => {
                let version = version.into_version().map_err(ClientError::ConfigError)?;
                let found = client.get_version(&subject, version).await?;
                print(json, &to_json(&found), || found.schema.schema.clone());
            }
            (None, None) => {
                return Err(ClientError::ConfigError(
                    "name a subject or give --id".into(),
                ))
            }
        },
        Command::Register {
            subject,
            file,
            schema_type,
        } => {
            let schema = read_schema(&file, schema_type.as_deref())?;
            let id = client.register(&subject, &schema).await?;
            print(json, &json!({ "id": id }), || id.to_string());
        }
        Command::Check {
            subject,
            file,
            version,
            schema_type,
        } => {
            let schema = read_schema(&file, schema_type.as_deref())?;
            let schema = references::with_references(&client, &file, schema).await?;
            let check = client
                .check_compatibility(&subject, &schema, version.as_str())
                .await?;
            print(json, &to_json(&check), || {
                if check.is_compatible {
                    format!("compatible with {subject} version {version}")
                } else {
                    let mut text = format!("INCOMPATIBLE with {subject} version {version}");
                    for message in &check.messages {
                        text.push_str("\n  ");
                        text.push_str(message);
                    }
                    text
                }
            });
            if !check.is_compatible {
                return Ok(Outcome::Incompatible);
            }
        }
        Command::Config { action } => {
            let level = match action {
                ConfigAction::Get { subject } => {
                    client.get_compatibility(subject.as_deref()).await?
                }
                ConfigAction::Set { level, subject } => {
                    let level: CompatibilityLevel = level
                        .parse()
                        .map_err(|e| ClientError::ConfigError(format!("{e}")))?;
                    client.set_compatibility(subject.as_deref(), level).await?
                }
            };
            print(
                json,
                &json!({ "compatibilityLevel": level.as_str() }),
                || level.as_str().to_string(),
            );
        }
        Command::Mode { action } => {
            let mode = match action {
                ModeAction::Get { subject } => client.get_mode(subject.as_deref()).await?,
                ModeAction::Set { mode, subject } => {
                    let mode: Mode = mode.parse().map_err(ClientError::ConfigError)?;
                    client.set_mode(subject.as_deref(), mode).await?
                }
            };
            print(json, &json!({ "mode": mode.as_str() }), || {
                mode.as_str().to_string()
            });
        }
        Command::Delete {
            subject,
            version,
            permanent,
        } => {
            let deleted = match version {
                Some(version) => {
                    let version = version.into_version().map_err(ClientError::ConfigError)?;
                    vec![client.delete_version(&subject, version, permanent).await?]
                }
                None => client.delete_subject(&subject, permanent).await?,
            };
            print(json, &json!(deleted), || {
                deleted
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Export { subject, dir } => {
            let written = export(&client, &subject, &dir).await?;
            print(json, &json!(written), || written.join("\n"));
        }
    }
    Ok(Outcome::Done)
}

/// The client from `--url` and `--properties`.
fn client(cli: &Cli) -> Result<SchemaRegistryClient, ClientError> {
    let mut props = match &cli.properties {
        Some(path) => Properties::from_file(path)?,
        None => Properties::default(),
    };
    if let Some(url) = &cli.url {
        props.set("schema.registry.url", url.clone());
        if props.get("url").is_some() {
            props.set("url", url.clone());
        }
    }
    if props.get("schema.registry.url").is_none() && props.get("url").is_none() {
        return Err(ClientError::ConfigError(
            "no registry: give --url http://host:8081, SCHEMA_REGISTRY_URL, or schema.registry.url in --properties".into(),
        ));
    }
    SchemaRegistryClientBuilder::from_properties(&props)?.build()
}

fn print(json: bool, value: &Value, text: impl FnOnce() -> String) {
    if json {
        println!("{value}");
    } else {
        let text = text();
        if !text.is_empty() {
            println!("{text}");
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The schema in `file`, its format from `--type` or the extension.
fn read_schema(file: &Path, schema_type: Option<&str>) -> Result<Schema, ClientError> {
    let text = std::fs::read_to_string(file).map_err(|error| {
        ClientError::ConfigError(format!("cannot read {}: {error}", file.display()))
    })?;
    let format = match schema_type {
        Some(name) => name.parse::<SchemaFormat>().map_err(|_| {
            ClientError::ConfigError(format!(
                "--type {name:?}: expected AVRO, JSON or PROTOBUF"
            ))
        })?,
        None => match file.extension().and_then(|e| e.to_str()) {
            Some("avsc") => SchemaFormat::Avro,
            Some("json") => SchemaFormat::Json,
            Some("proto") => SchemaFormat::Protobuf,
            _ => {
                return Err(ClientError::ConfigError(format!(
                    "cannot tell the format of {} from its extension (.avsc, .json, .proto): give --type",
                    file.display()
                )))
            }
        },
    };
    Ok(Schema::new(text, format))
}

/// Writes every live version of `subject` to `dir` as `vNNN.<ext>`; the paths written.
async fn export(
    client: &SchemaRegistryClient,
    subject: &str,
    dir: &Path,
) -> Result<Vec<String>, ClientError> {
    let io = |path: &Path, error: std::io::Error| {
        ClientError::ConfigError(format!("cannot write {}: {error}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut written = Vec::new();
    for version in client.list_versions(subject).await? {
        let found: RegisteredSchema = client.get_version(subject, version.into()).await?;
        let extension = match found.schema.schema_type {
            SchemaFormat::Avro => "avsc",
            SchemaFormat::Json => "json",
            SchemaFormat::Protobuf => "proto",
        };
        let path = dir.join(format!("v{version:03}.{extension}"));
        std::fs::write(&path, &found.schema.schema).map_err(|e| io(&path, e))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}
