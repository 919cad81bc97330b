//! Avro generic values as JSON and back, for running JSONata on Avro messages.
//!
//! Confluent's Python deserializer hands the migration rules the message as fastavro
//! reads it (`avro.py`, `AvroDeserializer.__call__`: `schemaless_reader(payload,
//! writer_schema, None, ...)` then `_execute_migrations`), a plain dict: records and maps
//! are objects, a union is its branch's value, an enum is its symbol. Here likewise; bytes
//! and fixed become strings of code points 0–255 (Avro's JSON encoding), logical types their
//! underlying number, UUIDs strings. Back from JSON, the reader schema directs: a union
//! takes its first branch the value converts to (fastavro's writer does the same), a
//! missing record field takes its default.

use std::collections::HashMap;

use apache_avro::schema::{Name, RecordSchema, Schema, UnionSchema};
use apache_avro::types::Value;

use super::MAX_VALUE_DEPTH;

/// A value that does not convert, with the path of the field where it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    /// The field path (`$.owner.id`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn error(path: &str, message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: path.to_string(),
        message: message.into(),
    }
}

/// `value` as JSON.
pub fn avro_to_json(value: &Value) -> Result<serde_json::Value, ConvertError> {
    to_json(value, "$", 0)
}

fn to_json(value: &Value, path: &str, depth: usize) -> Result<serde_json::Value, ConvertError> {
    use serde_json::Value as J;
    let nested = |depth: usize| {
        if depth >= MAX_VALUE_DEPTH {
            Err(error(
                path,
                format!("nested deeper than {MAX_VALUE_DEPTH} levels"),
            ))
        } else {
            Ok(())
        }
    };
    Ok(match value {
        Value::Null => J::Null,
        Value::Boolean(b) => J::Bool(*b),
        Value::Int(n) | Value::Date(n) | Value::TimeMillis(n) => J::from(*n),
        Value::Long(n)
        | Value::TimeMicros(n)
        | Value::TimestampMillis(n)
        | Value::TimestampMicros(n)
        | Value::TimestampNanos(n)
        | Value::LocalTimestampMillis(n)
        | Value::LocalTimestampMicros(n)
        | Value::LocalTimestampNanos(n) => J::from(*n),
        Value::Float(x) => float(f64::from(*x), path)?,
        Value::Double(x) => float(*x, path)?,
        Value::String(s) | Value::Enum(_, s) => J::String(s.clone()),
        Value::Bytes(bytes) | Value::Fixed(_, bytes) => J::String(latin1(bytes)),
        Value::Decimal(decimal) => {
            let bytes: Vec<u8> = decimal
                .try_into()
                .map_err(|e: apache_avro::Error| error(path, e.to_string()))?;
            J::String(latin1(&bytes))
        }
        Value::Uuid(uuid) => J::String(uuid.to_string()),
        Value::Union(_, inner) => to_json(inner, path, depth)?,
        Value::Array(items) => {
            nested(depth)?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(to_json(item, &format!("{path}[{i}]"), depth + 1)?);
            }
            J::Array(out)
        }
        Value::Map(entries) => {
            nested(depth)?;
            let mut out = serde_json::Map::with_capacity(entries.len());
            for (key, item) in entries {
                out.insert(
                    key.clone(),
                    to_json(item, &format!("{path}.{key}"), depth + 1)?,
                );
            }
            J::Object(out)
        }
        Value::Record(fields) => {
            nested(depth)?;
            let mut out = serde_json::Map::with_capacity(fields.len());
            for (name, item) in fields {
                out.insert(
                    name.clone(),
                    to_json(item, &format!("{path}.{name}"), depth + 1)?,
                );
            }
            J::Object(out)
        }
        Value::BigDecimal(_) | Value::Duration(_) => {
            return Err(error(
                path,
                "big-decimal and duration values are not migrated",
            ))
        }
    })
}

fn float(x: f64, path: &str) -> Result<serde_json::Value, ConvertError> {
    serde_json::Number::from_f64(x)
        .map(serde_json::Value::Number)
        .ok_or_else(|| error(path, format!("{x} has no JSON form")))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn from_latin1(s: &str, path: &str) -> Result<Vec<u8>, ConvertError> {
    s.chars()
        .map(|c| {
            u8::try_from(u32::from(c)).map_err(|_| error(path, format!("{c:?} is not a byte")))
        })
        .collect()
}

/// `json` as a value of `schema` (whose named types are `names`, as
/// `apache_avro::schema::ResolvedSchema::get_names` gives them).
pub fn json_to_avro(
    json: &serde_json::Value,
    schema: &Schema,
    names: &HashMap<Name, &Schema>,
) -> Result<Value, ConvertError> {
    Converter { names }.convert(json, schema, "$", 0)
}

struct Converter<'n, 's> {
    names: &'n HashMap<Name, &'s Schema>,
}

impl Converter<'_, '_> {
    fn convert(
        &self,
        json: &serde_json::Value,
        schema: &Schema,
        path: &str,
        depth: usize,
    ) -> Result<Value, ConvertError> {
        use serde_json::Value as J;
        if depth >= MAX_VALUE_DEPTH {
            return Err(error(
                path,
                format!("nested deeper than {MAX_VALUE_DEPTH} levels"),
            ));
        }
        let wrong = || error(path, format!("{json} is not a {}", kind(schema)));
        Ok(match (schema, json) {
            (Schema::Null, J::Null) => Value::Null,
            (Schema::Boolean, J::Bool(b)) => Value::Boolean(*b),
            (Schema::Int, _) => Value::Int(int(json).ok_or_else(wrong)?),
            (Schema::Date, _) => Value::Date(int(json).ok_or_else(wrong)?),
            (Schema::TimeMillis, _) => Value::TimeMillis(int(json).ok_or_else(wrong)?),
            (Schema::Long, _) => Value::Long(json.as_i64().ok_or_else(wrong)?),
            (Schema::TimeMicros, _) => Value::TimeMicros(json.as_i64().ok_or_else(wrong)?),
            (Schema::TimestampMillis, _) => {
                Value::TimestampMillis(json.as_i64().ok_or_else(wrong)?)
            }
            (Schema::TimestampMicros, _) => {
                Value::TimestampMicros(json.as_i64().ok_or_else(wrong)?)
            }
            (Schema::TimestampNanos, _) => Value::TimestampNanos(json.as_i64().ok_or_else(wrong)?),
            (Schema::LocalTimestampMillis, _) => {
                Value::LocalTimestampMillis(json.as_i64().ok_or_else(wrong)?)
            }
            (Schema::LocalTimestampMicros, _) => {
                Value::LocalTimestampMicros(json.as_i64().ok_or_else(wrong)?)
            }
            (Schema::LocalTimestampNanos, _) => {
                Value::LocalTimestampNanos(json.as_i64().ok_or_else(wrong)?)
            }
            // Avro float: the double rounded to the nearest f32, as the JSON decoders do.
            #[allow(clippy::cast_possible_truncation)]
            (Schema::Float, J::Number(n)) => Value::Float(n.as_f64().ok_or_else(wrong)? as f32),
            (Schema::Double, J::Number(n)) => Value::Double(n.as_f64().ok_or_else(wrong)?),
            (Schema::String, J::String(s)) => Value::String(s.clone()),
            (Schema::Uuid(_), J::String(s)) => Value::Uuid(
                s.parse()
                    .map_err(|e| error(path, format!("{s:?} is not a UUID: {e}")))?,
            ),
            (Schema::Bytes, J::String(s)) => Value::Bytes(from_latin1(s, path)?),
            (Schema::Fixed(fixed), J::String(s)) => {
                let bytes = from_latin1(s, path)?;
                if bytes.len() != fixed.size {
                    return Err(error(
                        path,
                        format!("{} bytes for a fixed of {}", bytes.len(), fixed.size),
                    ));
                }
                Value::Fixed(fixed.size, bytes)
            }
            (Schema::Decimal(_), J::String(s)) => {
                Value::Decimal(apache_avro::Decimal::from(from_latin1(s, path)?))
            }
            (Schema::Enum(e), J::String(s)) => {
                let index = e
                    .symbols
                    .iter()
                    .position(|symbol| symbol == s)
                    .ok_or_else(|| error(path, format!("{s:?} is not a symbol of {}", e.name)))?;
                Value::Enum(u32::try_from(index).map_err(|_| wrong())?, s.clone())
            }
            (Schema::Array(array), J::Array(items)) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        self.convert(item, &array.items, &format!("{path}[{i}]"), depth + 1)
                    })
                    .collect::<Result<_, _>>()?,
            ),
            (Schema::Map(map), J::Object(entries)) => Value::Map(
                entries
                    .iter()
                    .map(|(key, item)| {
                        self.convert(item, &map.types, &format!("{path}.{key}"), depth + 1)
                            .map(|v| (key.clone(), v))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            (Schema::Record(record), J::Object(fields)) => {
                self.record(record, fields, path, depth)?
            }
            (Schema::Union(union), _) => self.union(union, json, path, depth)?,
            (Schema::Ref { name }, _) => {
                let target = self
                    .names
                    .get(name)
                    .ok_or_else(|| error(path, format!("unknown named type {name}")))?;
                self.convert(json, target, path, depth + 1)?
            }
            _ => return Err(wrong()),
        })
    }

    fn record(
        &self,
        record: &RecordSchema,
        fields: &serde_json::Map<String, serde_json::Value>,
        path: &str,
        depth: usize,
    ) -> Result<Value, ConvertError> {
        let mut out = Vec::with_capacity(record.fields.len());
        for field in &record.fields {
            let field_path = format!("{path}.{}", field.name);
            let value = match (fields.get(&field.name), &field.default) {
                (Some(value), _) => self.convert(value, &field.schema, &field_path, depth + 1)?,
                // A union's default is of its first branch (Avro specification, "Unions").
                (None, Some(default)) => match &field.schema {
                    Schema::Union(union) => match union.variants().first() {
                        Some(first) => Value::Union(
                            0,
                            Box::new(self.convert(default, first, &field_path, depth + 1)?),
                        ),
                        None => return Err(error(&field_path, "empty union")),
                    },
                    schema => self.convert(default, schema, &field_path, depth + 1)?,
                },
                (None, None) => {
                    return Err(error(&field_path, "missing, and the field has no default"))
                }
            };
            out.push((field.name.clone(), value));
        }
        Ok(Value::Record(out))
    }

    fn union(
        &self,
        union: &UnionSchema,
        json: &serde_json::Value,
        path: &str,
        depth: usize,
    ) -> Result<Value, ConvertError> {
        let mut last = None;
        for (index, branch) in union.variants().iter().enumerate() {
            match self.convert(json, branch, path, depth + 1) {
                Ok(value) => {
                    let index = u32::try_from(index).map_err(|_| error(path, "union too wide"))?;
                    return Ok(Value::Union(index, Box::new(value)));
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| error(path, "empty union")))
    }
}

fn int(json: &serde_json::Value) -> Option<i32> {
    json.as_i64().and_then(|n| i32::try_from(n).ok())
}

fn kind(schema: &Schema) -> String {
    match schema {
        Schema::Record(r) => format!("record {}", r.name),
        Schema::Enum(e) => format!("enum {}", e.name),
        Schema::Fixed(f) => format!("fixed {}", f.name),
        Schema::Ref { name } => name.to_string(),
        other => format!("{:?}", apache_avro::schema::SchemaKind::from(other)).to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apache_avro::schema::ResolvedSchema;
    use serde_json::json;

    #[test]
    fn round_trip_through_json() {
        let schema = Schema::parse_str(
            r#"{"type":"record","name":"Widget","namespace":"shop","fields":[
                {"name":"name","type":"string"},
                {"name":"height","type":"int"},
                {"name":"note","type":["null","string"],"default":null},
                {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","BLUE"]}},
                {"name":"raw","type":"bytes"},
                {"name":"parts","type":{"type":"array","items":{"type":"record","name":"Part","fields":[{"name":"w","type":"double"}]}}},
                {"name":"spare","type":["null","Part"],"default":null},
                {"name":"labels","type":{"type":"map","values":"long"},"default":{}}
            ]}"#,
        )
        .unwrap();
        let resolved = ResolvedSchema::try_from(&schema).unwrap();
        let json = json!({
            "name": "kite", "height": 3, "note": "x", "color": "BLUE", "raw": "\u{0}\u{ff}",
            "parts": [{"w": 1.5}], "spare": {"w": 2.0}
        });
        let value = json_to_avro(&json, &schema, resolved.get_names()).unwrap();
        let bytes = apache_avro::writer::datum::GenericDatumWriter::builder(&schema)
            .build()
            .unwrap()
            .write_value_to_vec(value.clone())
            .unwrap();
        let mut expected = json.clone();
        expected["labels"] = json!({});
        assert_eq!(avro_to_json(&value).unwrap(), expected);
        // The bytes are what apache-avro writes for the same record.
        let back = apache_avro::reader::datum::GenericDatumReader::builder(&schema)
            .build()
            .unwrap()
            .read_value(&mut &bytes[..])
            .unwrap();
        assert_eq!(avro_to_json(&back).unwrap(), expected);
        assert_eq!(&bytes[..6], &[8, b'k', b'i', b't', b'e', 6]);
    }

    #[test]
    fn mismatches_name_the_field() {
        let schema = Schema::parse_str(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}"#,
        )
        .unwrap();
        let names = HashMap::new();
        let missing = json_to_avro(&json!({"a": 1}), &schema, &names).unwrap_err();
        assert_eq!(missing.path, "$.b");
        let wrong = json_to_avro(&json!({"a": "x", "b": "y"}), &schema, &names).unwrap_err();
        assert_eq!(wrong.path, "$.a");
        let too_big =
            json_to_avro(&json!({"a": 1_i64 << 40, "b": "y"}), &schema, &names).unwrap_err();
        assert_eq!(too_big.path, "$.a");
    }
}
