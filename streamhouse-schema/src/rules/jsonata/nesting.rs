//! Bounds on how deep the JSONata parser and converters recurse.
//!
//! `jsonata-rs` 0.3 parses with a recursive Pratt parser and processes the syntax tree
//! recursively, with no depth limit of its own (its evaluator has one, `max_depth`). A
//! hostile expression such as 100 000 opening brackets would overflow the thread's stack
//! and abort the process, so expressions are measured before they are parsed: every level
//! the parser recurses into counts. Brackets (`(`, `[`, `{`) open a level; within a level,
//! each prefix minus, `?` (condition) and `:=` (binding, right-associative) adds one, since
//! the parser recurses for its right-hand side. `~>` adds one too (the chain's right side
//! is parsed by a recursive call). The count is an over-estimate, never an under-estimate,
//! of the parser's recursion.
//!
//! The message given to an expression (serialized to JSON, which the crate parses as a
//! JSONata literal) is bounded by [`json_depth`] the same way.

/// The deepest nesting of `expr` as the parser would recurse into it, or `None` once it
/// passes `limit` (the scan stops there).
pub(super) fn expression_nesting(expr: &str, limit: usize) -> Option<usize> {
    // Per open bracket level: 1 for the bracket plus the right-recursive operators seen in it.
    let mut levels: Vec<usize> = vec![0];
    let mut total = 0usize;
    let mut deepest = 0usize;
    let bytes = expr.as_bytes();
    let mut i = 0;
    // Whether the previous significant token leaves the parser expecting an operand (so a
    // `-` here is a prefix minus).
    let mut expect_operand = true;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' | b'\'' | b'`' => {
                i = skip_quoted(bytes, i);
                expect_operand = false;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_comment(bytes, i);
                continue;
            }
            b'(' | b'[' | b'{' => {
                levels.push(1);
                total += 1;
                expect_operand = true;
            }
            b')' | b']' | b'}' => {
                if levels.len() > 1 {
                    total -= levels.pop().unwrap_or(0);
                }
                expect_operand = false;
            }
            b'-' if expect_operand => bump(&mut levels, &mut total),
            b'?' => {
                bump(&mut levels, &mut total);
                expect_operand = true;
            }
            b':' if bytes.get(i + 1) == Some(&b'=') => {
                bump(&mut levels, &mut total);
                expect_operand = true;
                i += 1;
            }
            b'~' if bytes.get(i + 1) == Some(&b'>') => {
                bump(&mut levels, &mut total);
                expect_operand = true;
                i += 1;
            }
            b if b.is_ascii_whitespace() => {}
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.' || b >= 0x80 => {
                expect_operand = false;
            }
            _ => expect_operand = true,
        }
        deepest = deepest.max(total);
        if deepest > limit {
            return None;
        }
        i += 1;
    }
    Some(deepest)
}

fn bump(levels: &mut [usize], total: &mut usize) {
    if let Some(level) = levels.last_mut() {
        *level += 1;
    }
    *total += 1;
}

/// The index after the string or name starting with the quote at `start` (the end of the
/// expression when it is not closed: the parser then reports it).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index after the comment starting at `start`.
fn skip_comment(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 2;
    while i + 1 < bytes.len() {
        if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            return i + 2;
        }
        i += 1;
    }
    bytes.len()
}

/// Whether `value` nests (objects and arrays) at most `limit` levels deep; iterative, so any
/// input is measured without recursion.
pub(super) fn json_depth_within(value: &serde_json::Value, limit: usize) -> bool {
    let mut stack = vec![(value, 0usize)];
    while let Some((value, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &serde_json::Value>> = match value {
            serde_json::Value::Array(items) => Box::new(items.iter()),
            serde_json::Value::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if depth >= limit {
            return false;
        }
        stack.extend(children.map(|child| (child, depth + 1)));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_right_recursive_operators_count() {
        assert_eq!(expression_nesting("$.a", 100), Some(0));
        assert_eq!(expression_nesting("(($.a))", 100), Some(2));
        assert_eq!(expression_nesting("- - - 1", 100), Some(3));
        assert_eq!(expression_nesting("1 - 2 - 3", 100), Some(0));
        assert_eq!(expression_nesting("a ? b : c ? d : e", 100), Some(2));
        assert_eq!(expression_nesting("$x := $y := 1", 100), Some(2));
        // Brackets inside strings, names and comments do not count.
        assert_eq!(
            expression_nesting(r#""((((" & '[[' & `{{` /* (( */"#, 100),
            Some(0)
        );
        assert_eq!(expression_nesting(r#"'it\'s ((('"#, 100), Some(0));
        assert_eq!(expression_nesting(&"(".repeat(10_000), 64), None);
    }

    #[test]
    fn json_depth_is_measured_without_recursion() {
        let mut deep = serde_json::json!(1);
        for _ in 0..100_000 {
            deep = serde_json::Value::Array(vec![deep]);
        }
        assert!(!json_depth_within(&deep, 64));
        assert!(json_depth_within(
            &serde_json::json!({"a": [1, {"b": 2}]}),
            3
        ));
        assert!(!json_depth_within(
            &serde_json::json!({"a": [1, {"b": [2]}]}),
            3
        ));
        // serde_json drops deep values recursively; take it apart level by level.
        let mut value = deep;
        while let serde_json::Value::Array(mut items) = value {
            value = items.pop().unwrap_or(serde_json::Value::Null);
        }
    }
}
