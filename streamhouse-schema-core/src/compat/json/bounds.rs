//! Value constraints that a reader may not tighten: types, enums, numeric, string, array
//! and object bounds. Each function compares one family of keywords of a reader schema
//! with a writer schema and lists what the reader rejects that the writer accepted.

use serde_json::{Map, Value};

use crate::compat::report::{Incompatibility, IncompatibilityKind};

/// The seven JSON Schema instance types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum JsonType {
    Null,
    Boolean,
    Object,
    Array,
    Number,
    Integer,
    String,
}

impl JsonType {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "null" => JsonType::Null,
            "boolean" => JsonType::Boolean,
            "object" => JsonType::Object,
            "array" => JsonType::Array,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "string" => JsonType::String,
            _ => return None,
        })
    }

    fn of_value(value: &Value) -> Self {
        match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Object(_) => JsonType::Object,
            Value::Array(_) => JsonType::Array,
            Value::Number(n) if n.is_i64() || n.is_u64() => JsonType::Integer,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
        }
    }

    fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array => "array",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::String => "string",
        }
    }
}

/// The types a schema declares with `type`; `None` when it does not restrict types.
fn declared_types(schema: &Map<String, Value>) -> Option<Vec<JsonType>> {
    match schema.get("type")? {
        Value::String(name) => Some(JsonType::parse(name).into_iter().collect()),
        Value::Array(names) => Some(
            names
                .iter()
                .filter_map(Value::as_str)
                .filter_map(JsonType::parse)
                .collect(),
        ),
        _ => None,
    }
}

/// The values a schema allows by `enum` or `const`, if it lists them.
fn listed_values(schema: &Map<String, Value>) -> Option<Vec<&Value>> {
    if let Some(constant) = schema.get("const") {
        return Some(vec![constant]);
    }
    match schema.get("enum") {
        Some(Value::Array(values)) => Some(values.iter().collect()),
        _ => None,
    }
}

/// The types a writer can produce: its `type`, or the types of its listed values.
pub(super) fn writer_types(schema: &Map<String, Value>) -> Option<Vec<JsonType>> {
    declared_types(schema).or_else(|| {
        listed_values(schema).map(|values| values.into_iter().map(JsonType::of_value).collect())
    })
}

/// Whether an instance of type `t` is valid for a schema allowing `types` (`None` = all).
fn allows(types: &Option<Vec<JsonType>>, t: JsonType) -> bool {
    match types {
        None => true,
        Some(types) => {
            types.contains(&t) || (t == JsonType::Integer && types.contains(&JsonType::Number))
        }
    }
}

/// Whether a writer allowing `types` may produce instances of type `t`.
pub(super) fn may_write(types: &Option<Vec<JsonType>>, t: JsonType) -> bool {
    match types {
        None => true,
        Some(types) => {
            types.contains(&t)
                || (t == JsonType::Number && types.contains(&JsonType::Integer))
                || (t == JsonType::Integer && types.contains(&JsonType::Number))
        }
    }
}

/// Types: every type the writer produces must be accepted by the reader (`integer` is a
/// `number`). Returns the problems and whether the types share nothing at all.
pub(super) fn types(
    reader: &Map<String, Value>,
    writer_types: &Option<Vec<JsonType>>,
) -> (Vec<Incompatibility>, bool) {
    let reader_types = declared_types(reader);
    let Some(accepted) = &reader_types else {
        return (Vec::new(), false);
    };
    let names = |types: &[JsonType]| {
        types
            .iter()
            .map(|t| t.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(written) = writer_types else {
        let problem = Incompatibility::new(
            IncompatibilityKind::TypeNarrowed,
            "/type",
            format!(
                "the reader accepts only the types [{}] but the writer allowed any type",
                names(accepted)
            ),
        );
        return (vec![problem], false);
    };
    let missing: Vec<JsonType> = written
        .iter()
        .copied()
        .filter(|t| !allows(&reader_types, *t))
        .collect();
    if missing.is_empty() {
        return (Vec::new(), false);
    }
    // `number` overlaps an `integer` reader: that is a narrowing, not a change of type.
    let overlaps = |t: &JsonType| {
        allows(&reader_types, *t)
            || (*t == JsonType::Number && accepted.contains(&JsonType::Integer))
    };
    let disjoint = !written.iter().any(overlaps);
    let kind = if disjoint {
        IncompatibilityKind::TypeChanged
    } else {
        IncompatibilityKind::TypeNarrowed
    };
    let problem = Incompatibility::new(
        kind,
        "/type",
        format!(
            "the writer's types [{}] include [{}], which the reader's types [{}] do not accept",
            names(written),
            names(&missing),
            names(accepted)
        ),
    );
    (vec![problem], disjoint)
}

/// `enum`/`const`: the reader must list every value the writer lists.
pub(super) fn listed(
    reader: &Map<String, Value>,
    writer: &Map<String, Value>,
) -> Vec<Incompatibility> {
    let Some(accepted) = listed_values(reader) else {
        return Vec::new();
    };
    let show = |values: &[&Value]| {
        values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (kind, message) = match listed_values(writer) {
        None => (
            IncompatibilityKind::EnumArrayNarrowed,
            format!(
                "the reader accepts only the values [{}] but the writer allowed any value",
                show(&accepted)
            ),
        ),
        Some(written) => {
            let missing: Vec<&Value> = written
                .iter()
                .copied()
                .filter(|w| !accepted.iter().any(|r| same_value(r, w)))
                .collect();
            if missing.is_empty() {
                return Vec::new();
            }
            // Confluent's EnumSchemaDiff: NARROWED when the new values are a subset of the
            // old ones, CHANGED otherwise (and ConstSchemaDiff: a changed const is CHANGED).
            let subset = accepted
                .iter()
                .all(|r| written.iter().any(|w| same_value(r, w)));
            let kind = if subset && !reader.contains_key("const") {
                IncompatibilityKind::EnumArrayNarrowed
            } else {
                IncompatibilityKind::EnumArrayChanged
            };
            (
                kind,
                format!(
                    "the reader's enum lacks the writer's values [{}]",
                    show(&missing)
                ),
            )
        }
    };
    let keyword = if reader.contains_key("const") {
        "/const"
    } else {
        "/enum"
    };
    vec![Incompatibility::new(kind, keyword, message)]
}

/// JSON equality where `1` and `1.0` are the same number.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A lower or upper numeric bound: its value and whether it is exclusive.
#[derive(Clone, Copy)]
struct Bound {
    value: f64,
    exclusive: bool,
}

/// The effective bound from `inclusive_key` (e.g. `minimum`) and `exclusive_key` (draft 4
/// boolean modifier or draft 6+ number); `lower` picks the stricter of both.
fn bound(
    schema: &Map<String, Value>,
    inclusive_key: &str,
    exclusive_key: &str,
    lower: bool,
) -> Option<Bound> {
    let inclusive = schema.get(inclusive_key).and_then(Value::as_f64);
    let exclusive = schema.get(exclusive_key);
    match (inclusive, exclusive) {
        (Some(value), Some(Value::Bool(true))) => Some(Bound {
            value,
            exclusive: true,
        }),
        (inclusive, Some(Value::Number(n))) => {
            let exclusive = n.as_f64().map(|value| Bound {
                value,
                exclusive: true,
            });
            let inclusive = inclusive.map(|value| Bound {
                value,
                exclusive: false,
            });
            match (inclusive, exclusive) {
                (Some(i), Some(e)) => {
                    let stricter_is_inclusive = if lower {
                        i.value > e.value
                    } else {
                        i.value < e.value
                    };
                    Some(if stricter_is_inclusive { i } else { e })
                }
                (i, e) => i.or(e),
            }
        }
        (Some(value), _) => Some(Bound {
            value,
            exclusive: false,
        }),
        (None, _) => None,
    }
}

/// Whether the writer's bound keeps every written value inside the reader's bound.
fn within(reader: Bound, writer: Option<Bound>, lower: bool) -> bool {
    let Some(writer) = writer else {
        return false;
    };
    let stricter = if lower {
        writer.value > reader.value
    } else {
        writer.value < reader.value
    };
    stricter || (writer.value == reader.value && (writer.exclusive || !reader.exclusive))
}

/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`.
pub(super) fn numeric(
    reader: &Map<String, Value>,
    writer: &Map<String, Value>,
) -> Vec<Incompatibility> {
    let mut found = Vec::new();
    use IncompatibilityKind::*;
    for (inclusive_key, exclusive_key, lower, kinds) in [
        (
            "minimum",
            "exclusiveMinimum",
            true,
            [
                (MinimumAdded, MinimumIncreased),
                (ExclusiveMinimumAdded, ExclusiveMinimumIncreased),
            ],
        ),
        (
            "maximum",
            "exclusiveMaximum",
            false,
            [
                (MaximumAdded, MaximumDecreased),
                (ExclusiveMaximumAdded, ExclusiveMaximumDecreased),
            ],
        ),
    ] {
        let Some(reader_bound) = bound(reader, inclusive_key, exclusive_key, lower) else {
            continue;
        };
        if !within(
            reader_bound,
            bound(writer, inclusive_key, exclusive_key, lower),
            lower,
        ) {
            let (keyword, (added, tightened)) = if reader_bound.exclusive {
                (exclusive_key, kinds[1])
            } else {
                (inclusive_key, kinds[0])
            };
            // Confluent's NumberSchemaDiff names the keyword: ADDED when the writer lacks it,
            // else INCREASED (lower bounds) or DECREASED (upper bounds).
            let kind = if writer.contains_key(keyword) {
                tightened
            } else {
                added
            };
            let side = if lower { "lower" } else { "upper" };
            found.push(Incompatibility::new(
                kind,
                format!("/{keyword}"),
                format!(
                    "the reader's {side} bound {keyword} {} rejects numbers the writer allowed",
                    reader_bound.value
                ),
            ));
        }
    }
    if let Some(step) = reader.get("multipleOf").and_then(Value::as_f64) {
        let written = writer.get("multipleOf").and_then(Value::as_f64);
        let kind = match written {
            Some(written) if is_multiple(written, step) => None,
            // NumberSchemaDiff: EXPANDED when the new step is a multiple of the old one.
            Some(written) if is_multiple(step, written) => Some(MultipleOfExpanded),
            Some(_) => Some(MultipleOfChanged),
            None => Some(MultipleOfAdded),
        };
        if let Some(kind) = kind {
            found.push(Incompatibility::new(
                kind,
                "/multipleOf",
                format!(
                    "the reader requires multiples of {step}, which the writer's numbers need not be"
                ),
            ));
        }
    }
    found
}

/// Whether `value` is an integer multiple of `step` (within floating-point noise).
fn is_multiple(value: f64, step: f64) -> bool {
    if step == 0.0 {
        return false;
    }
    let ratio = value / step;
    (ratio - ratio.round()).abs() < 1e-9
}

/// A minimum-style keyword (`minLength`, `minItems`, `minProperties`): the writer's must be
/// at least the reader's. A maximum-style one: at most.
///
/// The problem is `added` when the writer lacks the keyword, `tightened` otherwise (the
/// `*_ADDED` and `*_INCREASED`/`*_DECREASED` types of Confluent's diff).
fn count_bound(
    reader: &Map<String, Value>,
    writer: &Map<String, Value>,
    keyword: &str,
    is_minimum: bool,
    (added, tightened): (IncompatibilityKind, IncompatibilityKind),
    what: &str,
) -> Option<Incompatibility> {
    let limit = reader.get(keyword).and_then(Value::as_u64)?;
    if is_minimum && limit == 0 {
        return None;
    }
    let written = writer.get(keyword).and_then(Value::as_u64);
    let ok = match written {
        Some(written) if is_minimum => written >= limit,
        Some(written) => written <= limit,
        None => false,
    };
    let kind = if written.is_some() { tightened } else { added };
    (!ok).then(|| {
        Incompatibility::new(
            kind,
            format!("/{keyword}"),
            format!("the reader's {keyword} {limit} rejects {what} the writer allowed"),
        )
    })
}

/// `minLength`, `maxLength`, `pattern`, `format`.
pub(super) fn string(
    reader: &Map<String, Value>,
    writer: &Map<String, Value>,
) -> Vec<Incompatibility> {
    use IncompatibilityKind::*;
    let mut found: Vec<Incompatibility> = [
        count_bound(
            reader,
            writer,
            "minLength",
            true,
            (MinLengthAdded, MinLengthIncreased),
            "strings",
        ),
        count_bound(
            reader,
            writer,
            "maxLength",
            false,
            (MaxLengthAdded, MaxLengthDecreased),
            "strings",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    for keyword in ["pattern", "format"] {
        if let Some(required) = reader.get(keyword) {
            if writer.get(keyword) != Some(required) {
                // StringSchemaDiff: PATTERN_ADDED / PATTERN_CHANGED; `format` is ours only.
                let kind = match (keyword, writer.contains_key(keyword)) {
                    ("pattern", false) => PatternAdded,
                    ("pattern", true) => PatternChanged,
                    _ => FormatChanged,
                };
                found.push(Incompatibility::new(
                    kind,
                    format!("/{keyword}"),
                    format!(
                        "the reader requires the {keyword} {required}, which the writer did not \
                         require"
                    ),
                ));
            }
        }
    }
    found
}

/// `minItems`, `maxItems`, `uniqueItems`.
pub(super) fn array(
    reader: &Map<String, Value>,
    writer: &Map<String, Value>,
) -> Vec<Incompatibility> {
    use IncompatibilityKind::*;
    let mut found: Vec<Incompatibility> = [
        count_bound(
            reader,
            writer,
            "minItems",
            true,
            (MinItemsAdded, MinItemsIncreased),
            "arrays",
        ),
        count_bound(
            reader,
            writer,
            "maxItems",
            false,
            (MaxItemsAdded, MaxItemsDecreased),
            "arrays",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    // ArraySchemaDiff.compareContainsAttribute (`contains` itself is not compared).
    found.extend(count_bound(
        reader,
        writer,
        "maxContains",
        false,
        (MaxContainsAdded, MaxContainsDecreased),
        "arrays",
    ));
    found.extend(count_bound(
        reader,
        writer,
        "minContains",
        true,
        (MinContainsAdded, MinContainsIncreased),
        "arrays",
    ));
    let unique =
        |schema: &Map<String, Value>| schema.get("uniqueItems") == Some(&Value::Bool(true));
    if unique(reader) && !unique(writer) {
        found.push(Incompatibility::new(
            UniqueItemsAdded,
            "/uniqueItems",
            "the reader requires unique items, which the writer did not",
        ));
    }
    found
}

/// `minProperties`, `maxProperties`.
pub(super) fn object(
    reader: &Map<String, Value>,
    writer: &Map<String, Value>,
) -> Vec<Incompatibility> {
    use IncompatibilityKind::*;
    [
        count_bound(
            reader,
            writer,
            "minProperties",
            true,
            (MinPropertiesAdded, MinPropertiesIncreased),
            "objects",
        ),
        count_bound(
            reader,
            writer,
            "maxProperties",
            false,
            (MaxPropertiesAdded, MaxPropertiesDecreased),
            "objects",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}
