//! The schema views of a type, built once from its model and cached.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{OnceLock, RwLock};

use super::avro::{parsing_canonical_form, rabin_fingerprint, to_avro_json};
use super::json::{to_json_schema_titled, JsonSchemaDraft};
use super::model::{ModelBuilder, ModelError, Ty, TypeModel};
use super::protobuf::{ProtoBuildError, ProtoSchema};
use super::references::{
    avro_with_references, json_with_references, ReferenceError, RegisteredSchema,
};
use super::{SchemaFormat, SchemaType};

/// Every schema view of one type.
#[derive(Debug)]
pub struct Schemas {
    model: TypeModel,
    full_name: String,
    avro_json: String,
    avro: apache_avro::Schema,
    avro_canonical_form: String,
    avro_fingerprint: u64,
    /// The `title` of a JSON Schema whose root is not a named type (`SchemaType::json_title`).
    json_title: Option<String>,
    json: OnceLock<JsonViews>,
    /// Built on first use: most types are never sent as Protobuf.
    protobuf: OnceLock<Result<ProtoSchema, ProtoBuildError>>,
    /// The Avro and JSON schemas registered with references, built on first use.
    registered: OnceLock<Result<Registered, ReferenceError>>,
    /// This build's number: see [`Schemas::number`].
    number: u32,
}

/// The JSON Schema views, built on first use (many types are never sent as JSON).
#[derive(Debug)]
struct JsonViews {
    draft2020: (schemars::Schema, String),
    draft07: (schemars::Schema, String),
}

/// The schemas registered with references (`None`: the type has none).
#[derive(Debug)]
struct Registered {
    avro: Option<RegisteredSchema>,
    json: Option<RegisteredSchema>,
}

/// A type whose schemas cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SchemaBuildError {
    /// The type model is inconsistent (e.g. two types share a name).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The schemas the type registers with references (`#[stream_schema(reference)]`)
    /// cannot be registered: the referenced types refer to each other, or an Avro type
    /// would be defined in two of them.
    #[error(transparent)]
    References(#[from] ReferenceError),
    /// The type's Protobuf view cannot be built (e.g. types of two packages refer to each
    /// other: [`ProtoBuildError::PackageCycle`]).
    #[error(transparent)]
    Protobuf(#[from] ProtoBuildError),
    /// The emitted Avro schema does not parse.
    #[error("the generated Avro schema is invalid: {0}")]
    Avro(String),
    /// The compile-time guards of a pinned type (`pin`, `fingerprint`) read a different
    /// schema from its sources than the type has at run time (a type alias or macro hid a
    /// field's real type), so the pin checked the wrong schema.
    #[error("the compile-time schema guard read a different schema from the sources than the type has:\n  compile time: {compile_time}\n  run time:     {run_time}\nuse the field types directly (not through aliases or macros) in pinned types")]
    PinnedSchemaMismatch {
        /// The Parsing Canonical Form the compile-time guards checked.
        compile_time: String,
        /// The Parsing Canonical Form of the type at run time.
        run_time: String,
    },
}

impl Schemas {
    /// Builds every view of `T` from its model.
    pub fn build<T: SchemaType + ?Sized>() -> Result<Self, SchemaBuildError> {
        let mut builder = ModelBuilder::new();
        let root = T::describe(&mut builder);
        let model = builder.finish(root)?;
        let full_name = match &model.root {
            Ty::Named(n) => n.clone(),
            _ => T::type_label(),
        };
        let json = to_avro_json(&model);
        let avro_json = json.to_string();
        let avro = apache_avro::Schema::parse(&json)
            .map_err(|e| SchemaBuildError::Avro(format!("{e}: {avro_json}")))?;
        let avro_canonical_form = parsing_canonical_form(&json);
        let avro_fingerprint = rabin_fingerprint(avro_canonical_form.as_bytes());
        Ok(Schemas {
            model,
            full_name,
            avro_json,
            avro,
            avro_canonical_form,
            avro_fingerprint,
            json_title: T::json_title(),
            json: OnceLock::new(),
            protobuf: OnceLock::new(),
            registered: OnceLock::new(),
            number: next_number(),
        })
    }

    /// Builds the schemas of a stream type and checks them against what its compile-time
    /// guards saw: [`build`](Self::build), and
    /// [`SchemaBuildError::PinnedSchemaMismatch`] when a pinned type's sources said
    /// otherwise. What `#[derive(StreamSchema)]` caches behind
    /// [`StreamSchema::try_schemas`](super::StreamSchema::try_schemas).
    pub fn build_stream<T: super::StreamSchema>() -> Result<Self, SchemaBuildError> {
        let built = Self::build::<T>()?;
        if let Some(seen) = T::compile_time_canonical_form() {
            if seen != built.avro_canonical_form {
                return Err(SchemaBuildError::PinnedSchemaMismatch {
                    compile_time: seen.to_string(),
                    run_time: built.avro_canonical_form,
                });
            }
        }
        Ok(built)
    }

    /// Builds the schemas of `T`, panicking with the reason when its definition is invalid.
    ///
    /// # Panics
    /// When two Rust types in `T` claim the same schema name. That is a mistake in the
    /// type definitions, found on first use of the type; the message names both types.
    pub fn build_or_panic<T: SchemaType + ?Sized>() -> Self {
        match Self::build::<T>() {
            Ok(s) => s,
            Err(e) => panic!(
                "invalid stream schema for `{}`: {e}",
                std::any::type_name::<T>()
            ),
        }
    }

    /// Builds the schemas of a stream type, checking them against what its compile-time
    /// guards saw.
    ///
    /// # Panics
    /// As [`build_or_panic`](Self::build_or_panic), and when the compile-time guards of a
    /// pinned type read a different schema from its sources than the type has at run time
    /// (a type alias or macro hid a field's real type): the pin would then check the
    /// wrong schema, so it must not pass silently.
    pub fn build_stream_or_panic<T: super::StreamSchema>() -> Self {
        match Self::build_stream::<T>() {
            Ok(s) => s,
            Err(e) => panic!(
                "invalid stream schema for `{}`: {e}",
                std::any::type_name::<T>()
            ),
        }
    }

    /// A number no other `Schemas` built in this process has, counted from 0: the cached
    /// schemas of a type (its `StreamSchema::schemas()`) are built once, so this numbers the
    /// types of a program densely, and layers above can keep per-type data in arrays indexed
    /// by it instead of hash maps. (The producer keeps the schema ids `send_typed` last used
    /// there.) After `u32::MAX` builds the number stays at `u32::MAX`.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The type model every view is emitted from.
    pub fn model(&self) -> &TypeModel {
        &self.model
    }

    /// The full name of the root type (`namespace.Name`, or the primitive's name).
    pub fn full_name(&self) -> &str {
        &self.full_name
    }

    /// The Avro schema JSON text (with docs, defaults and aliases).
    pub fn avro_json(&self) -> &str {
        &self.avro_json
    }

    /// The parsed Avro schema.
    pub fn avro_schema(&self) -> &apache_avro::Schema {
        &self.avro
    }

    /// The Avro Parsing Canonical Form.
    pub fn avro_canonical_form(&self) -> &str {
        &self.avro_canonical_form
    }

    /// The CRC-64-AVRO fingerprint of the Parsing Canonical Form.
    pub fn avro_fingerprint(&self) -> u64 {
        self.avro_fingerprint
    }

    fn json_views(&self) -> &JsonViews {
        self.json.get_or_init(|| {
            let view = |draft| {
                let schema = to_json_schema_titled(&self.model, draft, self.json_title.as_deref());
                // How schemars serializes it (its own key order), as any client would.
                let text = serde_json::to_string(&schema)
                    .unwrap_or_else(|_| schema.as_value().to_string());
                (schema, text)
            };
            JsonViews {
                draft2020: view(JsonSchemaDraft::Draft2020_12),
                draft07: view(JsonSchemaDraft::Draft07),
            }
        })
    }

    /// The JSON Schema in `draft`.
    pub fn json_schema(&self, draft: JsonSchemaDraft) -> &schemars::Schema {
        match draft {
            JsonSchemaDraft::Draft2020_12 => &self.json_views().draft2020.0,
            JsonSchemaDraft::Draft07 => &self.json_views().draft07.0,
        }
    }

    /// The JSON Schema in `draft` as compact JSON text.
    pub fn json_schema_text(&self, draft: JsonSchemaDraft) -> &str {
        match draft {
            JsonSchemaDraft::Draft2020_12 => &self.json_views().draft2020.1,
            JsonSchemaDraft::Draft07 => &self.json_views().draft07.1,
        }
    }

    /// The schema registered in `format` when the type refers to named types registered
    /// on their own (`#[stream_schema(reference)]`): its text, which names those types
    /// instead of defining them, and the referenced schemas, each to be registered first
    /// under its reference name. `Ok(None)` for a type without references, which registers
    /// its self-contained schema ([`avro_json`](Self::avro_json),
    /// [`json_schema_text`](Self::json_schema_text) in draft 2020-12), and for Protobuf,
    /// whose references are the imports of [`ProtoSchema::imports`].
    ///
    /// ```
    /// use streamhouse_schema::{SchemaFormat, StreamSchema};
    ///
    /// #[derive(StreamSchema)]
    /// #[stream_schema(namespace = "shop")]
    /// struct LineItem { sku: String }
    ///
    /// #[derive(StreamSchema)]
    /// #[stream_schema(namespace = "shop")]
    /// struct Order {
    ///     #[stream_schema(reference)]
    ///     items: Vec<LineItem>,
    /// }
    ///
    /// let avro = Order::schemas().registered(SchemaFormat::Avro).unwrap().unwrap();
    /// assert_eq!(avro.text, r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"items","type":{"type":"array","items":"shop.LineItem"}}]}"#);
    /// assert_eq!(avro.references, ["shop.LineItem"]);
    /// assert_eq!(avro.referenced[0].name, "shop.LineItem");
    /// assert_eq!(avro.referenced[0].text, LineItem::avro_schema_json());
    /// let json = Order::schemas().registered(SchemaFormat::Json).unwrap().unwrap();
    /// assert_eq!(json.references, ["shop.LineItem.json"]);
    /// // The self-contained schema stays what it was.
    /// assert!(Order::avro_schema_json().contains(r#""name":"LineItem""#));
    /// ```
    ///
    /// # Errors
    /// [`ReferenceError`] when the referenced types refer to each other, or an Avro type
    /// that is no reference would be defined in two of the registered schemas.
    pub fn registered(
        &self,
        format: SchemaFormat,
    ) -> Result<Option<&RegisteredSchema>, &ReferenceError> {
        let registered = self
            .registered
            .get_or_init(|| {
                Ok(Registered {
                    avro: avro_with_references(&self.model)?,
                    json: json_with_references(
                        &self.model,
                        JsonSchemaDraft::Draft2020_12,
                        self.json_title.as_deref(),
                    )?,
                })
            })
            .as_ref()?;
        Ok(match format {
            SchemaFormat::Avro => registered.avro.as_ref(),
            SchemaFormat::Json => registered.json.as_ref(),
            SchemaFormat::Protobuf => None,
        })
    }

    /// The Protobuf view (file descriptor and `.proto` text), built on first use.
    pub fn protobuf(&self) -> Result<&ProtoSchema, &ProtoBuildError> {
        self.protobuf
            .get_or_init(|| ProtoSchema::build(&self.model))
            .as_ref()
    }
}

/// The next [`Schemas::number`].
fn next_number() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    NEXT.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
        .unwrap_or(u32::MAX)
}

/// A cached build: the schemas, or why they cannot be built.
type Built = Result<Schemas, SchemaBuildError>;

/// The cached schemas of `T`, or why they cannot be built, for types that cannot hold a
/// `static` of their own (generic types and the std types implemented here).
pub fn try_schemas_for<T: SchemaType + 'static>(
) -> Result<&'static Schemas, &'static SchemaBuildError> {
    static CACHE: OnceLock<RwLock<HashMap<TypeId, &'static Built>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let id = TypeId::of::<T>();
    if let Some(s) = cache.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
        return s.as_ref();
    }
    let built = Schemas::build::<T>();
    let mut w = cache.write().unwrap_or_else(|e| e.into_inner());
    // Each type's build is leaked once, like a `static` would hold it.
    let entry: &'static Built = w.entry(id).or_insert_with(|| Box::leak(Box::new(built)));
    entry.as_ref()
}

/// The cached schemas of `T` ([`try_schemas_for`]).
///
/// # Panics
/// As [`Schemas::build_or_panic`].
pub fn schemas_for<T: SchemaType + 'static>() -> &'static Schemas {
    schemas_or_panic::<T>(try_schemas_for::<T>())
}

/// The schemas of a successful build; panics with the reason otherwise (the panicking
/// accessors of [`StreamSchema`](super::StreamSchema) go through here).
#[doc(hidden)]
pub fn schemas_or_panic<T: ?Sized>(
    built: Result<&'static Schemas, &'static SchemaBuildError>,
) -> &'static Schemas {
    match built {
        Ok(s) => s,
        Err(e) => panic!(
            "invalid stream schema for `{}`: {e}",
            std::any::type_name::<T>()
        ),
    }
}
