//! Test doubles for the producer's unit tests: an in-process registry that counts calls,
//! and a hand-written typed record equivalent to what the derive generates.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::BufMut;

use crate::codec::json::{JsonDecode, JsonDecodeError, JsonEncode, JsonEncodeError, JsonReader};

use super::schema_ids::{BoxFuture, Latest, SchemaIds};
use crate::codec::avro::{AvroDecode, AvroEncode, DecodeError, EncodeError};
use crate::error::ClientError;
use crate::registry::{codes, Operation, RegistryError, Schema, SchemaReference};
use crate::schema::model::{Def, Field, ModelBuilder, RecordDef, Ty};
use crate::schema::{schemas_for, SchemaFormat, SchemaType, Schemas, StreamSchema, Topic};

/// Registry double: ids are global per (schema, format), counted from 1.
#[derive(Debug, Default)]
pub(crate) struct FakeRegistry {
    state: Mutex<FakeState>,
    pub(crate) registers: AtomicUsize,
    pub(crate) lookups: AtomicUsize,
    pub(crate) latests: AtomicUsize,
    pub(crate) by_ids: AtomicUsize,
    /// When set, every call fails as if the registry were down.
    pub(crate) down: AtomicBool,
}

#[derive(Debug, Default)]
struct FakeState {
    ids: Vec<(String, SchemaFormat)>,
    subjects: HashMap<String, Vec<i32>>,
}

impl FakeRegistry {
    pub(crate) fn shared() -> Arc<FakeRegistry> {
        Arc::new(FakeRegistry::default())
    }

    fn check_up(&self) -> Result<(), ClientError> {
        if self.down.load(Ordering::SeqCst) {
            Err(ClientError::SchemaRegistryError(RegistryError::status(
                Operation::Register,
                503,
                codes::STORE_ERROR,
                "registry down",
            )))
        } else {
            Ok(())
        }
    }

    /// Registers directly (as another client would have), returning the id.
    pub(crate) fn preregister(&self, subject: &str, schema: &str, format: SchemaFormat) -> i32 {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let position = state
            .ids
            .iter()
            .position(|(s, f)| s == schema && *f == format);
        let id = match position {
            Some(index) => i32::try_from(index).unwrap_or(i32::MAX) + 1,
            None => {
                state.ids.push((schema.to_string(), format));
                i32::try_from(state.ids.len()).unwrap_or(i32::MAX)
            }
        };
        let versions = state.subjects.entry(subject.to_string()).or_default();
        if !versions.contains(&id) {
            versions.push(id);
        }
        id
    }

    fn schema(&self, id: i32) -> Option<Arc<Schema>> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let index = usize::try_from(id).ok()?.checked_sub(1)?;
        state
            .ids
            .get(index)
            .map(|(schema, format)| Arc::new(Schema::new(schema.clone(), *format)))
    }

    pub(crate) fn subjects(&self) -> Vec<String> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut subjects: Vec<String> = state.subjects.keys().cloned().collect();
        subjects.sort();
        subjects
    }
}

impl SchemaIds for FakeRegistry {
    /// The fake keeps no references.
    fn register<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        _references: &'a [SchemaReference],
    ) -> BoxFuture<'a, Result<i32, ClientError>> {
        Box::pin(async move {
            self.registers.fetch_add(1, Ordering::SeqCst);
            self.check_up()?;
            Ok(self.preregister(subject, schema, format))
        })
    }

    fn lookup<'a>(
        &'a self,
        subject: &'a str,
        schema: &'a str,
        format: SchemaFormat,
        _references: &'a [SchemaReference],
    ) -> BoxFuture<'a, Result<Option<i32>, ClientError>> {
        Box::pin(async move {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            self.check_up()?;
            let versions = {
                let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                state.subjects.get(subject).cloned().unwrap_or_default()
            };
            Ok(versions.into_iter().find(|id| {
                self.schema(*id)
                    .is_some_and(|s| s.schema == schema && s.schema_type == format)
            }))
        })
    }

    fn latest<'a>(
        &'a self,
        subject: &'a str,
    ) -> BoxFuture<'a, Result<Option<Latest>, ClientError>> {
        Box::pin(async move {
            self.latests.fetch_add(1, Ordering::SeqCst);
            self.check_up()?;
            let last = {
                let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
                state.subjects.get(subject).and_then(|v| v.last().copied())
            };
            Ok(last.and_then(|id| self.schema(id).map(|schema| Latest { id, schema })))
        })
    }

    /// The fake stores no metadata, so only an empty filter finds a version (the latest).
    fn latest_with_metadata<'a>(
        &'a self,
        subject: &'a str,
        metadata: &'a std::collections::BTreeMap<String, String>,
    ) -> BoxFuture<'a, Result<Option<Latest>, ClientError>> {
        Box::pin(async move {
            if metadata.is_empty() {
                self.latest(subject).await
            } else {
                self.check_up()?;
                Ok(None)
            }
        })
    }

    fn by_id(&self, id: i32) -> BoxFuture<'_, Result<Option<Arc<Schema>>, ClientError>> {
        Box::pin(async move {
            self.by_ids.fetch_add(1, Ordering::SeqCst);
            self.check_up()?;
            Ok(self.schema(id))
        })
    }
}

/// What `#[derive(StreamSchema)] #[stream_schema(namespace = "com.acme", topic = "pings")]`
/// generates for `struct Ping { #[stream_schema(key)] user: String, id: i64 }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ping {
    pub(crate) user: String,
    pub(crate) id: i64,
}

impl SchemaType for Ping {
    fn describe(builder: &mut ModelBuilder) -> Ty {
        let name = builder.full_name("Ping", Some("com.acme"));
        if builder.begin(&name, "Ping") {
            let fields = vec![
                Field::new("user", String::describe(builder)),
                Field::new("id", i64::describe(builder)),
            ];
            builder.define(Def::Record(RecordDef {
                full_name: name.clone(),
                fields,
                ..RecordDef::default()
            }));
        }
        Ty::Named(name)
    }

    fn type_label() -> String {
        "Ping".to_string()
    }
}

impl AvroEncode for Ping {
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        self.user.encode_avro(buf)?;
        self.id.encode_avro(buf)
    }
}

impl AvroDecode for Ping {
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        Ok(Ping {
            user: String::decode_avro(input)?,
            id: i64::decode_avro(input)?,
        })
    }
}

impl JsonEncode for Ping {
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        buf.put_slice(b"{\"user\":");
        self.user.encode_json(buf)?;
        buf.put_slice(b",\"id\":");
        self.id.encode_json(buf)?;
        buf.put_u8(b'}');
        Ok(())
    }
}

impl JsonDecode for Ping {
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        let (mut user, mut id) = (None, None);
        let mut keys = r.begin_object()?;
        while let Some(key) = keys.next_key(r)? {
            match &*key {
                "user" => user = Some(String::read_json(r)?),
                "id" => id = Some(i64::read_json(r)?),
                _ => r.skip_value()?,
            }
        }
        Ok(Ping {
            user: user.ok_or(JsonDecodeError::MissingField { field: "user" })?,
            id: id.ok_or(JsonDecodeError::MissingField { field: "id" })?,
        })
    }
}

impl StreamSchema for Ping {
    fn schemas() -> &'static Schemas {
        schemas_for::<Self>()
    }
}

impl Topic for Ping {
    const TOPIC: &'static str = "pings";
    type Key = String;
    fn key(&self) -> Option<&String> {
        Some(&self.user)
    }
}
