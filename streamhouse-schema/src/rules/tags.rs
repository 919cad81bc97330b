//! Field tags: inline `confluent:tags` in the schema and `metadata.tags` by path.

use std::collections::{BTreeSet, HashMap};

use apache_avro::Schema as AvroSchema;
use serde_json::Value as JsonValue;

use crate::schema::contract::Metadata;

/// How deep schemas are followed when collecting names and tags (nested records beyond
/// this are not tagged; no real schema nests this deep).
const MAX_DEPTH: usize = 64;

/// The attribute holding a field's tags in Avro and JSON schemas.
pub const INLINE_TAGS: &str = "confluent:tags";

/// Records, enums and fixed types of `schema` by full name.
pub(crate) fn collect_avro_names(
    schema: &AvroSchema,
    names: &mut HashMap<String, AvroSchema>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match schema {
        AvroSchema::Record(record) => {
            let full = record.name.fullname(None);
            if names.contains_key(&full) {
                return;
            }
            names.insert(full, schema.clone());
            for field in &record.fields {
                collect_avro_names(&field.schema, names, depth + 1);
            }
        }
        AvroSchema::Enum(e) => {
            names.insert(e.name.fullname(None), schema.clone());
        }
        AvroSchema::Fixed(f) => {
            names.insert(f.name.fullname(None), schema.clone());
        }
        AvroSchema::Array(array) => collect_avro_names(&array.items, names, depth + 1),
        AvroSchema::Map(map) => collect_avro_names(&map.types, names, depth + 1),
        AvroSchema::Union(union) => {
            for variant in union.variants() {
                collect_avro_names(variant, names, depth + 1);
            }
        }
        _ => {}
    }
}

/// Inline tags of every record field by `{record full name}.{field}`, following
/// references (`get_inline_tags` / `_get_inline_tags_recursively` in Confluent's
/// `common/avro.py`).
pub(crate) fn collect_avro_inline_tags(
    schema: &AvroSchema,
    names: &HashMap<String, AvroSchema>,
    tags: &mut HashMap<String, BTreeSet<String>>,
    seen: &mut BTreeSet<String>,
) {
    if seen.len() > MAX_DEPTH * 16 {
        return;
    }
    match schema {
        AvroSchema::Record(record) => {
            let full = record.name.fullname(None);
            if !seen.insert(full.clone()) {
                return;
            }
            for field in &record.fields {
                if let Some(JsonValue::Array(list)) = field.custom_attributes.get(INLINE_TAGS) {
                    let entry = tags.entry(format!("{full}.{}", field.name)).or_default();
                    entry.extend(list.iter().filter_map(|t| t.as_str().map(str::to_string)));
                }
                collect_avro_inline_tags(&field.schema, names, tags, seen);
            }
        }
        AvroSchema::Array(array) => collect_avro_inline_tags(&array.items, names, tags, seen),
        AvroSchema::Map(map) => collect_avro_inline_tags(&map.types, names, tags, seen),
        AvroSchema::Union(union) => {
            for variant in union.variants() {
                collect_avro_inline_tags(variant, names, tags, seen);
            }
        }
        AvroSchema::Ref { name } => {
            if let Some(named) = names.get(&name.fullname(None)) {
                collect_avro_inline_tags(named, names, tags, seen);
            }
        }
        _ => {}
    }
}

/// Inline tags of a JSON Schema property (`get_inline_tags` in `common/json_schema.py`).
pub(crate) fn json_inline_tags(property: &JsonValue) -> BTreeSet<String> {
    match property.get(INLINE_TAGS) {
        Some(JsonValue::Array(list)) => list
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        _ => BTreeSet::new(),
    }
}

/// The tags `metadata.tags` gives the field `full_name`: every entry whose path pattern
/// matches (`RuleContext.get_tags`).
pub fn metadata_tags(metadata: Option<&Metadata>, full_name: &str, into: &mut BTreeSet<String>) {
    if let Some(metadata) = metadata {
        for (pattern, tags) in &metadata.tags {
            if wildcard_match(full_name, pattern) {
                into.extend(tags.iter().cloned());
            }
        }
    }
}

/// Confluent's `wildcard_match` (`wildcard_matcher.py`): names use `.` as the boundary;
/// `?` is one character within a name, `*` any run of characters within a name, `**` any
/// run across names; `\` makes the next character literal. The whole text must match.
pub fn wildcard_match(text: &str, pattern: &str) -> bool {
    // `**.*` is `**` (`_wildcard_to_regexp`'s first step).
    let pattern = pattern.replace("**.*", "**");
    let tokens = tokenize(&pattern);
    let text: Vec<char> = text.chars().collect();
    matches_from(&tokens, &text)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Literal(char),
    /// `?`: one character, not a dot.
    One,
    /// `*`: any characters, no dot.
    Within,
    /// `**`: any characters.
    Across,
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push(Token::Across);
            }
            '*' => out.push(Token::Within),
            '?' => out.push(Token::One),
            // `_double_slashes`: the next character is literal; a trailing `\` is itself.
            '\\' => out.push(Token::Literal(chars.next().unwrap_or('\\'))),
            c => out.push(Token::Literal(c)),
        }
    }
    out
}

/// Iterative matching with one backtrack point per star (linear in practice, no recursion).
fn matches_from(tokens: &[Token], text: &[char]) -> bool {
    // Dynamic programming over (token, position): bounded by len(tokens) * len(text).
    let n = text.len();
    let mut reachable = vec![false; n + 1];
    reachable[0] = true;
    for token in tokens {
        let mut next = vec![false; n + 1];
        match token {
            Token::Literal(c) => {
                for i in 0..n {
                    if reachable[i] && text[i] == *c {
                        next[i + 1] = true;
                    }
                }
            }
            Token::One => {
                for i in 0..n {
                    if reachable[i] && text[i] != '.' {
                        next[i + 1] = true;
                    }
                }
            }
            Token::Within => {
                for i in 0..=n {
                    if reachable[i] || (i > 0 && next[i - 1] && text[i - 1] != '.') {
                        next[i] = true;
                    }
                }
            }
            Token::Across => {
                for i in 0..=n {
                    if reachable[i] || (i > 0 && next[i - 1]) {
                        next[i] = true;
                    }
                }
            }
        }
        reachable = next;
    }
    reachable[n]
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    /// The examples of `wildcard_match`'s docstring in Confluent's `wildcard_matcher.py`.
    #[test]
    fn wildcard_examples_of_the_reference() {
        assert!(wildcard_match("eve", "eve*"));
        assert!(wildcard_match("alice.bob.eve", "a*.bob.eve"));
        assert!(wildcard_match("alice.bob.eve", "a*.bob.e*"));
        assert!(!wildcard_match("alice.bob.eve", "a*"));
        assert!(wildcard_match("alice.bob.eve", "a**"));
        assert!(!wildcard_match("alice.bob.eve", "alice.bob*"));
        assert!(wildcard_match("alice.bob.eve", "alice.bob**"));
        assert!(wildcard_match("Order.ssn", "Order.ss?"));
        assert!(!wildcard_match("Order.ssn", "Order.s?"));
        assert!(wildcard_match("a.b", "**.*"));
        assert!(wildcard_match("a*b", "a\\*b"));
        assert!(!wildcard_match("axb", "a\\*b"));
    }
}
