//! A producer from Confluent's configuration keys: the registry client's (see
//! [`Properties`]) plus the serializer's `auto.register.schemas`, `use.latest.version`,
//! `use.latest.with.metadata` (`key=value,...`) and
//! `key.subject.name.strategy` / `value.subject.name.strategy`, and, with the `kafka`
//! feature, `bootstrap.servers` and librdkafka's own producer properties.

use super::{ProducerBuilder, SubjectNameStrategy};
use crate::error::ClientError;
use crate::registry::{is_registry_key, property_bool, Properties, SchemaRegistryClientBuilder};

impl ProducerBuilder {
    /// A producer builder from Confluent's keys (a map, a `.properties` file or the
    /// environment, see [`Properties`]). A key that is neither the registry client's, the
    /// serializer's nor (with `bootstrap.servers` and the `kafka` feature) a librdkafka
    /// property is a [`ClientError::InvalidProperty`] naming it.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use streamhouse_schema::registry::Properties;
    /// use streamhouse_schema::producer::ProducerBuilder;
    ///
    /// let props = Properties::from_pairs([
    ///     ("schema.registry.url", "mock://from-properties-doc"),
    ///     ("auto.register.schemas", "true"),
    ///     ("value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"),
    /// ]);
    /// let producer = ProducerBuilder::from_properties(&props)?.build().await?;
    /// # drop(producer);
    /// # Ok::<(), streamhouse_schema::ClientError>(())
    /// # }).unwrap();
    /// ```
    pub fn from_properties(props: &Properties) -> Result<Self, ClientError> {
        let client = SchemaRegistryClientBuilder::from_registry_keys(props)?.build()?;
        let mut builder = ProducerBuilder::new().schema_registry_client(client);
        let mut strategies = Vec::new();
        #[cfg(feature = "kafka")]
        let kafka = props.get("bootstrap.servers").is_some();
        for (key, value) in props.iter() {
            match key {
                key if is_registry_key(key) => {}
                "auto.register.schemas" => {
                    builder = builder.auto_register(property_bool(key, value)?);
                }
                "use.latest.version" => {
                    builder = builder.use_latest_version(property_bool(key, value)?);
                }
                "use.latest.with.metadata" => {
                    let metadata = super::latest::parse_metadata_pairs(value).map_err(|reason| {
                        ClientError::InvalidProperty {
                            key: key.to_string(),
                            reason: format!("{reason}; expected key=value[,key=value...]"),
                        }
                    })?;
                    builder = builder.use_latest_with_metadata(metadata);
                }
                "key.subject.name.strategy" | "value.subject.name.strategy" => {
                    strategies.push((key, strategy(key, value)?));
                }
                #[cfg(feature = "kafka")]
                "bootstrap.servers" => builder = builder.kafka(value),
                // librdkafka checks its own properties when the producer is built, naming
                // any it does not know.
                #[cfg(feature = "kafka")]
                _ if kafka => builder = builder.kafka_config(key, value),
                _ => {
                    return Err(ClientError::InvalidProperty {
                        key: key.to_string(),
                        reason: "unknown producer key (registry keys, auto.register.schemas, use.latest.version, use.latest.with.metadata, key/value.subject.name.strategy, and librdkafka's with bootstrap.servers and the kafka feature)".to_string(),
                    })
                }
            }
        }
        match strategies.as_slice() {
            [] => {}
            [(_, one)] => builder = builder.subject_name_strategy(*one),
            [(_, a), (key, b)] if a != b => {
                return Err(ClientError::InvalidProperty {
                    key: key.to_string(),
                    reason: "this producer names key and value subjects with one strategy: give both keys the same value".to_string(),
                })
            }
            [(_, one), ..] => builder = builder.subject_name_strategy(*one),
        }
        Ok(builder)
    }
}

/// A strategy from Java's class name (`io.confluent.kafka.serializers.subject.TopicNameStrategy`)
/// or its short name (`TopicNameStrategy`, Python's `topic_subject_name_strategy`).
fn strategy(key: &str, value: &str) -> Result<SubjectNameStrategy, ClientError> {
    let short = value.rsplit('.').next().unwrap_or(value);
    match short {
        "TopicNameStrategy" | "topic_subject_name_strategy" => Ok(SubjectNameStrategy::TopicName),
        "RecordNameStrategy" | "record_subject_name_strategy" => {
            Ok(SubjectNameStrategy::RecordName)
        }
        "TopicRecordNameStrategy" | "topic_record_subject_name_strategy" => {
            Ok(SubjectNameStrategy::TopicRecordName)
        }
        _ => Err(ClientError::InvalidProperty {
            key: key.to_string(),
            reason: format!(
                "{value:?} is not TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy"
            ),
        }),
    }
}
