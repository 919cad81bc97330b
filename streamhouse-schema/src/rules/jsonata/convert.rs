//! A JSONata result as a `serde_json::Value`.

use jsonata_rs::Value;

use super::JsonataError;

/// Converts `value`, refusing what JSON cannot hold (functions, regexes, non-finite
/// numbers) and nesting past `limit`. `undefined` members of arrays and objects are left
/// out, as `JSON.stringify` does.
pub(super) fn to_json<'a>(
    value: &'a Value<'a>,
    limit: usize,
) -> Result<serde_json::Value, JsonataError> {
    to_json_at(value, 0, limit)
}

fn to_json_at<'a>(
    value: &'a Value<'a>,
    depth: usize,
    limit: usize,
) -> Result<serde_json::Value, JsonataError> {
    Ok(match value {
        Value::Undefined => return Err(JsonataError::Undefined),
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => number(*n)?,
        Value::String(s) => serde_json::Value::String(s.to_string()),
        Value::Array(..) | Value::Range(..) => {
            if depth >= limit {
                return Err(too_deep(limit));
            }
            let mut items = Vec::with_capacity(value.len());
            for item in value.members() {
                if !item.is_undefined() {
                    items.push(to_json_at(item, depth + 1, limit)?);
                }
            }
            serde_json::Value::Array(items)
        }
        Value::Object(fields) => {
            if depth >= limit {
                return Err(too_deep(limit));
            }
            let mut object = serde_json::Map::with_capacity(fields.len());
            for (key, field) in fields.iter() {
                if !field.is_undefined() {
                    object.insert(key.to_string(), to_json_at(field, depth + 1, limit)?);
                }
            }
            serde_json::Value::Object(object)
        }
        Value::Regex(_) => return Err(JsonataError::NotJson("a regex".to_string())),
        Value::Lambda { .. } | Value::NativeFn { .. } | Value::Transformer { .. } => {
            return Err(JsonataError::NotJson("a function".to_string()))
        }
    })
}

/// JSONata numbers are doubles: whole ones within ±2^53 come back as integers (so an Avro
/// `int` or `long` reads them), others as floats.
fn number(n: f64) -> Result<serde_json::Value, JsonataError> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if !n.is_finite() {
        return Err(JsonataError::NotJson(format!("the number {n}")));
    }
    if n.fract() == 0.0 && n.abs() <= EXACT {
        // In range and whole: the cast is exact.
        return Ok(serde_json::Value::from(n as i64));
    }
    serde_json::Number::from_f64(n)
        .map(serde_json::Value::Number)
        .ok_or_else(|| JsonataError::NotJson(format!("the number {n}")))
}

fn too_deep(limit: usize) -> JsonataError {
    JsonataError::NotJson(format!("nested deeper than {limit} levels"))
}
