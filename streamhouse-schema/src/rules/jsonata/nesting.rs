//! Bounds on how deep the JSONata parser and converters recurse.
//!
//! `jsonata-rs` 0.3 parses with a recursive Pratt parser, then processes, evaluates and
//! drops the syntax tree recursively, with no depth limit of its own on the first, second
//! and last (its evaluator has `max_depth`). A hostile expression, 30 000 opening brackets
//! or 20 000 `1+` in a row (a left-deep tree), would overflow the thread's stack and abort
//! the process, so expressions are measured before they are parsed. The measure
//! over-estimates the depth of the tree: every bracket (`(`, `[`, `{`) opens a level that
//! counts one, and within a level every operator character (`+ - * / % & = < > ! ? : ~ | .
//! ^ @ #`) and the keywords `and`, `or`, `in` count one more until a `,` or `;` starts the
//! level's next item (items are siblings, not nested). Strings, quoted names and comments
//! count nothing; a name runs up to whitespace or an operator character, as the tokenizer
//! reads it (a quote inside it opens no string). The message given to an expression
//! (serialized to JSON, which the crate parses as a JSONata literal) is bounded by
//! [`json_depth_within`].

/// The deepest nesting of `expr` as measured above, or `None` once it passes `limit` (the
/// scan stops there).
pub(super) fn expression_nesting(expr: &str, limit: usize) -> Option<usize> {
    // Per open level: what it adds to the depth (1 for its bracket, plus its operators).
    let mut levels: Vec<usize> = vec![0];
    let mut total = 0usize;
    let mut deepest = 0usize;
    // Whether a `/` here starts a regular expression, as the tokenizer decides it from the
    // token before (`TokenKind::can_precede_regex`).
    let mut regex_may_start = true;
    let bytes = expr.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' | b'\'' | b'`' => {
                i = skip_quoted(bytes, i);
                regex_may_start = false;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_comment(bytes, i);
                continue;
            }
            b'/' if regex_may_start => {
                i = skip_regex(bytes, i);
                regex_may_start = false;
                continue;
            }
            b'(' | b'[' | b'{' => {
                levels.push(1);
                total += 1;
                regex_may_start = true;
            }
            b')' | b']' | b'}' => {
                if levels.len() > 1 {
                    total -= levels.pop().unwrap_or(0);
                }
                regex_may_start = false;
            }
            b',' | b';' => {
                let base = usize::from(levels.len() > 1);
                if let Some(level) = levels.last_mut() {
                    total -= *level - base;
                    *level = base;
                }
                regex_may_start = b == b',';
            }
            b'0'..=b'9' => {
                // A number literal, its decimal point included.
                while i + 1 < bytes.len()
                    && (bytes[i + 1].is_ascii_digit()
                        || (bytes[i + 1] == b'.'
                            && bytes.get(i + 2).is_some_and(u8::is_ascii_digit)))
                {
                    i += 1;
                }
                regex_may_start = false;
            }
            b if b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80 => {
                // A name or variable runs, as jsonata-rs's tokenizer reads it, up to
                // whitespace or an operator character: quotes inside it (`$"x`) are part of
                // it and open no string.
                let start = i;
                while i + 1 < bytes.len() && !ends_name(bytes[i + 1]) {
                    i += 1;
                }
                let word = &bytes[start..=i];
                if matches!(word, b"and" | b"or" | b"in") {
                    bump(&mut levels, &mut total);
                }
                regex_may_start = matches!(word, b"and" | b"or");
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'=' | b'<' | b'>' | b'!' | b'?' | b':'
            | b'~' | b'|' | b'.' | b'^' | b'@' | b'#' => {
                bump(&mut levels, &mut total);
                // `=`, `!=`, `:=`, `<`, `<=`, `>`, `>=` and `~>` end on one of these.
                regex_may_start = matches!(b, b'=' | b'<' | b'>');
            }
            _ => {}
        }
        deepest = deepest.max(total);
        if deepest > limit {
            return None;
        }
        i += 1;
    }
    Some(deepest)
}

/// The index after the regular expression literal starting with the `/` at `start`, as the
/// tokenizer reads it: up to the next `/` not escaped by a backslash (the end of the
/// expression when there is none: the parser then reports it).
fn skip_regex(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'/' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Whether `b` ends a name in jsonata-rs's tokenizer (`is_whitespace` or `is_operator`).
fn ends_name(b: u8) -> bool {
    matches!(
        b,
        b'\t'
            | b'\n'
            | 0x0b
            | 0x0c
            | b'\r'
            | b' '
            | b'.'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'('
            | b')'
            | b','
            | b'@'
            | b'#'
            | b';'
            | b':'
            | b'?'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'|'
            | b'='
            | b'<'
            | b'>'
            | b'^'
            | b'&'
            | b'!'
            | b'~'
    )
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
    fn brackets_and_operators_count() {
        assert_eq!(expression_nesting("$", 100), Some(0));
        assert_eq!(expression_nesting("$.a", 100), Some(1));
        assert_eq!(expression_nesting("(($.a))", 100), Some(3));
        assert_eq!(expression_nesting("- - - 1.5", 100), Some(3));
        assert_eq!(expression_nesting("1 - 2 - 3", 100), Some(2));
        assert_eq!(expression_nesting("a ? b : c ? d : e", 100), Some(4));
        assert_eq!(expression_nesting("$x := 1", 100), Some(2));
        assert_eq!(expression_nesting("a and b or c in d", 100), Some(3));
        assert_eq!(expression_nesting("android or_not", 100), Some(0));
        // Items of a list are siblings.
        assert_eq!(expression_nesting("[1+1, 2+2, 3+3]", 100), Some(2));
        assert_eq!(expression_nesting("{'a': 1, 'b': 2}", 100), Some(2));
        // Brackets and operators inside strings, names and comments do not count.
        assert_eq!(
            expression_nesting(r#""((((" & '[[' & `{{` /* (( */"#, 100),
            Some(2)
        );
        assert_eq!(expression_nesting(r#"'it\'s ((('"#, 100), Some(0));
        assert_eq!(expression_nesting(&"(".repeat(10_000), 64), None);
        assert_eq!(expression_nesting(&"1+".repeat(1000), 64), None);
        // A quote inside a name is part of the name, as jsonata-rs tokenizes it: it opens no
        // string, so what follows counts (found by `rule_inputs`: `$"i{{{…` hid 836 levels
        // from the scan and overflowed the parser's stack).
        assert_eq!(expression_nesting("$\"i{{a}}", 100), Some(2));
        assert_eq!(expression_nesting("a'b + (c)", 100), Some(2));
        assert_eq!(
            expression_nesting(&format!("$\"i{}", "{".repeat(1000)), 32),
            None
        );
        // A regular expression where the tokenizer reads one: its `/*` and quotes open no
        // comment and no string (found by `rule_inputs`: `/e+=\x1b/*$*|||…[[[[…` hid its
        // nesting the same way).
        assert_eq!(expression_nesting("/a*/ ~> $x", 100), Some(2));
        assert_eq!(expression_nesting("$match(s, /\"[(]/) + 1", 100), Some(1));
        assert_eq!(
            expression_nesting(&format!("/e/*$*{}", "[".repeat(1000)), 32),
            None
        );
        // After an operand, `/` divides.
        assert_eq!(expression_nesting("a / b / c", 100), Some(2));
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
