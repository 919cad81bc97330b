//! A pull reader over a JSON document in a byte slice: derived decoders ask it for the
//! token their schema expects, so there is no intermediate `Value`.
//!
//! Strict where it matters (RFC 8259 grammar, UTF-8, a nesting limit) and never panics:
//! every malformed input is a [`JsonDecodeError`] with its byte offset.

use std::borrow::Cow;

use super::JsonDecodeError;

/// The default nesting limit: objects and arrays nested deeper than
/// [`limits::max_nesting_depth`](crate::codec::limits::max_nesting_depth) (this unless
/// changed) are refused, so hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = crate::codec::limits::DEFAULT_MAX_NESTING_DEPTH;

/// A position to return to (see [`JsonReader::checkpoint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pos: usize,
    depth: usize,
}

/// Reads JSON tokens from a byte slice.
#[derive(Debug)]
pub struct JsonReader<'a> {
    input: &'a [u8],
    pos: usize,
    depth: usize,
}

/// Walks the keys of an object opened with [`JsonReader::begin_object`].
#[derive(Debug)]
pub struct ObjectKeys {
    first: bool,
}

/// Walks the items of an array opened with [`JsonReader::begin_array`].
#[derive(Debug)]
pub struct ArrayItems {
    first: bool,
}

/// How [`JsonReader::read_str`] treats each byte value inside a string.
const PLAIN: u8 = 0;
const NON_ASCII: u8 = 1;
const QUOTE: u8 = 2;
const BACKSLASH: u8 = 3;
const CONTROL: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i < 0x20 {
            CONTROL
        } else if i >= 0x80 {
            NON_ASCII
        } else if i == b'"' as usize {
            QUOTE
        } else if i == b'\\' as usize {
            BACKSLASH
        } else {
            PLAIN
        };
        i += 1;
    }
    t
};

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

impl<'a> JsonReader<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        JsonReader {
            input,
            pos: 0,
            depth: 0,
        }
    }

    /// The byte offset of the next unread byte.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The current position, to come back to with [`rewind`](Self::rewind).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            pos: self.pos,
            depth: self.depth,
        }
    }

    /// Returns to a position taken with [`checkpoint`](Self::checkpoint).
    pub fn rewind(&mut self, c: Checkpoint) {
        self.pos = c.pos.min(self.input.len());
        self.depth = c.depth;
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.input.get(self.pos) {
            if !is_ws(b) {
                break;
            }
            self.pos += 1;
        }
    }

    /// The next non-whitespace byte, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Result<u8, JsonDecodeError> {
        self.skip_ws();
        self.input.get(self.pos).copied().ok_or_else(|| self.eof())
    }

    #[cold]
    fn eof(&self) -> JsonDecodeError {
        JsonDecodeError::UnexpectedEof {
            offset: self.input.len(),
        }
    }

    #[cold]
    fn syntax(&self, message: &'static str) -> JsonDecodeError {
        JsonDecodeError::Syntax {
            offset: self.pos,
            message,
        }
    }

    /// The error for a value of the wrong JSON type at the current position.
    #[cold]
    pub fn wrong_type(&mut self, expected: &'static str) -> JsonDecodeError {
        let found = match self.peek() {
            Ok(b'{') => "an object",
            Ok(b'[') => "an array",
            Ok(b'"') => "a string",
            Ok(b't' | b'f') => "a boolean",
            Ok(b'n') => "null",
            Ok(b'-' | b'0'..=b'9') => "a number",
            Ok(_) => return self.syntax("expected a JSON value"),
            Err(e) => return e,
        };
        JsonDecodeError::WrongType {
            expected,
            found,
            offset: self.pos,
        }
    }

    /// The error for a string at `offset` that is not a valid `format`.
    #[cold]
    pub fn invalid_format(
        &self,
        format: &'static str,
        value: &str,
        offset: usize,
    ) -> JsonDecodeError {
        JsonDecodeError::InvalidFormat {
            format,
            value: value.to_string(),
            offset,
        }
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), JsonDecodeError> {
        let end = self.pos + word.len();
        match self.input.get(self.pos..end) {
            Some(s) if s == word => {
                self.pos = end;
                Ok(())
            }
            Some(_) => Err(self.syntax("invalid literal")),
            None => Err(self.eof()),
        }
    }

    /// Consumes `null` if it comes next; `Ok(false)` (nothing consumed) otherwise.
    #[inline]
    pub fn take_null(&mut self) -> Result<bool, JsonDecodeError> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads `null`.
    #[inline]
    pub fn read_null(&mut self) -> Result<(), JsonDecodeError> {
        if self.take_null()? {
            Ok(())
        } else {
            Err(self.wrong_type("null"))
        }
    }

    /// Reads `true` or `false`.
    #[inline]
    pub fn read_bool(&mut self) -> Result<bool, JsonDecodeError> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => Err(self.wrong_type("boolean")),
        }
    }

    /// Scans a number per the JSON grammar; returns its text span and whether it is an
    /// integer (no fraction, no exponent).
    fn scan_number(&mut self) -> Result<(usize, usize, bool), JsonDecodeError> {
        let start = self.pos;
        let digits = |r: &mut Self| -> usize {
            let from = r.pos;
            while matches!(r.input.get(r.pos), Some(b'0'..=b'9')) {
                r.pos += 1;
            }
            r.pos - from
        };
        if self.input.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.input.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if matches!(self.input.get(self.pos), Some(b'0'..=b'9')) {
                    return Err(self.syntax("leading zeros are not allowed"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            Some(_) => return Err(self.syntax("expected a digit")),
            None => return Err(self.eof()),
        }
        let mut integer = true;
        if self.input.get(self.pos) == Some(&b'.') {
            integer = false;
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.syntax("expected a digit after the decimal point"));
            }
        }
        if matches!(self.input.get(self.pos), Some(b'e' | b'E')) {
            integer = false;
            self.pos += 1;
            if matches!(self.input.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.syntax("expected a digit in the exponent"));
            }
        }
        Ok((start, self.pos, integer))
    }

    fn number_text(&self, start: usize, end: usize) -> &'a str {
        // The span was scanned as ASCII digits, signs, '.', 'e'.
        self.input
            .get(start..end)
            .and_then(|s| std::str::from_utf8(s).ok())
            .unwrap_or("")
    }

    /// Reads an integer that fits `i128` (wider ones are out of range for every target);
    /// `target` names the Rust type for errors.
    #[inline]
    pub fn read_integer(&mut self, target: &'static str) -> Result<i128, JsonDecodeError> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => {}
            _ => return Err(self.wrong_type("integer")),
        }
        let (start, end, integer) = self.scan_number()?;
        let text = self.number_text(start, end);
        if !integer {
            self.pos = start;
            return Err(JsonDecodeError::WrongType {
                expected: "integer",
                found: "a number with a fraction or exponent",
                offset: start,
            });
        }
        let (neg, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text),
        };
        let mut v: u128 = 0;
        for d in digits.bytes() {
            v = match v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u128::from(d - b'0')))
            {
                Some(v) if v <= i128::MAX as u128 + 1 => v,
                _ => return Err(out_of_range(text, target, start)),
            };
        }
        let v = if neg {
            // `v <= i128::MAX + 1`, so the negation is in range.
            0i128.wrapping_sub_unsigned(v)
        } else {
            i128::try_from(v).map_err(|_| out_of_range(text, target, start))?
        };
        Ok(v)
    }

    /// Reads an integer into `T`, checking its range.
    #[inline]
    pub fn read_int<T: TryFrom<i128>>(
        &mut self,
        target: &'static str,
    ) -> Result<T, JsonDecodeError> {
        let start = {
            self.skip_ws();
            self.pos
        };
        let v = self.read_integer(target)?;
        T::try_from(v).map_err(|_| out_of_range(&v.to_string(), target, start))
    }

    /// Reads a number as `f64`, correctly rounded.
    #[inline]
    pub fn read_f64(&mut self) -> Result<f64, JsonDecodeError> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => {}
            _ => return Err(self.wrong_type("number")),
        }
        let (start, end, _) = self.scan_number()?;
        let text = self.number_text(start, end);
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| out_of_range(text, "f64", start))
    }

    /// Reads a number as `f32`, correctly rounded (not through `f64`).
    #[inline]
    pub fn read_f32(&mut self) -> Result<f32, JsonDecodeError> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => {}
            _ => return Err(self.wrong_type("number")),
        }
        let (start, end, _) = self.scan_number()?;
        let text = self.number_text(start, end);
        text.parse::<f32>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| out_of_range(text, "f32", start))
    }

    /// Reads a string; borrowed from the input when it has no escapes.
    #[inline]
    pub fn read_str(&mut self) -> Result<Cow<'a, str>, JsonDecodeError> {
        if self.peek()? != b'"' {
            return Err(self.wrong_type("string"));
        }
        self.pos += 1;
        let start = self.pos;
        // One table lookup per byte, and UTF-8 validation only for strings that are not
        // plain ASCII: keys and most values are, and this loop is most of a decode.
        let mut ascii = true;
        loop {
            let Some(&b) = self.input.get(self.pos) else {
                return Err(self.eof());
            };
            match CLASS[usize::from(b)] {
                PLAIN => self.pos += 1,
                NON_ASCII => {
                    ascii = false;
                    self.pos += 1;
                }
                QUOTE => break,
                BACKSLASH => return self.read_escaped(start).map(Cow::Owned),
                _ => return Err(self.syntax("control character in string")),
            }
        }
        let raw = self.input.get(start..self.pos).unwrap_or_default();
        self.pos += 1;
        if ascii {
            // SAFETY: every byte of `raw` is below 0x80 (checked above), and a sequence
            // of ASCII bytes is valid UTF-8.
            return Ok(Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(raw) }));
        }
        std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|e| JsonDecodeError::Syntax {
                offset: start + e.valid_up_to(),
                message: "string is not valid UTF-8",
            })
    }

    /// The slow path of [`read_str`](Self::read_str): the string has escapes.
    fn read_escaped(&mut self, start: usize) -> Result<String, JsonDecodeError> {
        let mut out: Vec<u8> = self.input.get(start..self.pos).unwrap_or_default().to_vec();
        loop {
            let Some(&b) = self.input.get(self.pos) else {
                return Err(self.eof());
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.input.get(self.pos) else {
                        return Err(self.eof());
                    };
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let c = self.read_unicode_escape()?;
                            let mut tmp = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.syntax("invalid escape"));
                        }
                    }
                }
                b if b < 0x20 => {
                    self.pos -= 1;
                    return Err(self.syntax("control character in string"));
                }
                b => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| JsonDecodeError::Syntax {
            offset: start,
            message: "string is not valid UTF-8",
        })
    }

    fn hex4(&mut self) -> Result<u16, JsonDecodeError> {
        let Some(h) = self.input.get(self.pos..self.pos + 4) else {
            return Err(self.eof());
        };
        let mut v: u16 = 0;
        for &c in h {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(self.syntax("invalid \\u escape")),
            };
            v = (v << 4) | u16::from(d);
        }
        self.pos += 4;
        Ok(v)
    }

    fn read_unicode_escape(&mut self) -> Result<char, JsonDecodeError> {
        let hi = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&hi) {
            if self.input.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.syntax("unpaired surrogate in \\u escape"));
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xdc00..0xe000).contains(&lo) {
                return Err(self.syntax("unpaired surrogate in \\u escape"));
            }
            0x10000 + ((u32::from(hi) - 0xd800) << 10) + (u32::from(lo) - 0xdc00)
        } else {
            u32::from(hi)
        };
        char::from_u32(code).ok_or_else(|| self.syntax("unpaired surrogate in \\u escape"))
    }

    fn enter(&mut self) -> Result<(), JsonDecodeError> {
        let limit = crate::codec::limits::max_nesting_depth();
        if self.depth >= limit {
            return Err(JsonDecodeError::TooDeep {
                limit,
                offset: self.pos,
            });
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Opens an object; walk its keys with [`ObjectKeys::next_key`].
    #[inline]
    pub fn begin_object(&mut self) -> Result<ObjectKeys, JsonDecodeError> {
        if self.peek()? != b'{' {
            return Err(self.wrong_type("object"));
        }
        self.enter()?;
        Ok(ObjectKeys { first: true })
    }

    /// Opens an array; walk its items with [`ArrayItems::next`].
    #[inline]
    pub fn begin_array(&mut self) -> Result<ArrayItems, JsonDecodeError> {
        if self.peek()? != b'[' {
            return Err(self.wrong_type("array"));
        }
        self.enter()?;
        Ok(ArrayItems { first: true })
    }

    /// Skips one value of any type, checking its syntax.
    pub fn skip_value(&mut self) -> Result<(), JsonDecodeError> {
        match self.peek()? {
            b'{' => {
                let mut keys = self.begin_object()?;
                while keys.next_key(self)?.is_some() {
                    self.skip_value()?;
                }
                Ok(())
            }
            b'[' => {
                let mut items = self.begin_array()?;
                while items.next(self)? {
                    self.skip_value()?;
                }
                Ok(())
            }
            b'"' => self.read_str().map(drop),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.scan_number().map(drop),
            _ => Err(self.syntax("expected a JSON value")),
        }
    }

    /// Checks that only whitespace remains.
    pub fn finish(&mut self) -> Result<(), JsonDecodeError> {
        self.skip_ws();
        if self.pos < self.input.len() {
            Err(JsonDecodeError::TrailingCharacters { offset: self.pos })
        } else {
            Ok(())
        }
    }
}

#[cold]
fn out_of_range(text: &str, target: &'static str, offset: usize) -> JsonDecodeError {
    JsonDecodeError::IntOutOfRange {
        value: text.to_string(),
        target,
        offset,
    }
}

impl ObjectKeys {
    /// The next key (its `:` consumed), or `None` at the closing `}`.
    #[inline]
    pub fn next_key<'a>(
        &mut self,
        r: &mut JsonReader<'a>,
    ) -> Result<Option<Cow<'a, str>>, JsonDecodeError> {
        let b = r.peek()?;
        if b == b'}' {
            r.pos += 1;
            r.depth = r.depth.saturating_sub(1);
            return Ok(None);
        }
        if !self.first {
            if b != b',' {
                return Err(r.syntax("expected ',' or '}' in object"));
            }
            r.pos += 1;
            if r.peek()? != b'"' {
                return Err(r.syntax("expected a key after ','"));
            }
        } else if b != b'"' {
            return Err(r.syntax("expected a key or '}'"));
        }
        self.first = false;
        let key = r.read_str()?;
        if r.peek()? != b':' {
            return Err(r.syntax("expected ':' after key"));
        }
        r.pos += 1;
        Ok(Some(key))
    }
}

impl ArrayItems {
    /// `true` when another item follows (positioned at it), `false` at the closing `]`.
    #[inline]
    pub fn next(&mut self, r: &mut JsonReader<'_>) -> Result<bool, JsonDecodeError> {
        let b = r.peek()?;
        if b == b']' {
            r.pos += 1;
            r.depth = r.depth.saturating_sub(1);
            return Ok(false);
        }
        if !self.first {
            if b != b',' {
                return Err(r.syntax("expected ',' or ']' in array"));
            }
            r.pos += 1;
            if r.peek()? == b']' {
                return Err(r.syntax("trailing comma in array"));
            }
        }
        self.first = false;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip_all(s: &str) -> Result<(), JsonDecodeError> {
        let mut r = JsonReader::new(s.as_bytes());
        r.skip_value()?;
        r.finish()
    }

    #[test]
    fn accepts_valid_documents() {
        for ok in [
            "null",
            " true ",
            "[]",
            "{}",
            r#"{"a":[1,-2.5e+3,{"b":null}],"c":"\u00e9\ud83d\ude00\n"}"#,
            "-0",
            "0.5E-2",
            "\t[ 1 , 2 ]\r\n",
        ] {
            assert_eq!(skip_all(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_invalid_documents_with_offsets() {
        let cases: [(&str, JsonDecodeError); 12] = [
            ("", JsonDecodeError::UnexpectedEof { offset: 0 }),
            (
                "{not json",
                JsonDecodeError::Syntax {
                    offset: 1,
                    message: "expected a key or '}'",
                },
            ),
            (
                r#"{"id":1,"na"#,
                JsonDecodeError::UnexpectedEof { offset: 11 },
            ),
            (
                "[1,]",
                JsonDecodeError::Syntax {
                    offset: 3,
                    message: "trailing comma in array",
                },
            ),
            (
                r#"{"a":1,}"#,
                JsonDecodeError::Syntax {
                    offset: 7,
                    message: "expected a key after ','",
                },
            ),
            (
                "01",
                JsonDecodeError::Syntax {
                    offset: 1,
                    message: "leading zeros are not allowed",
                },
            ),
            (
                "1.",
                JsonDecodeError::Syntax {
                    offset: 2,
                    message: "expected a digit after the decimal point",
                },
            ),
            ("nul", JsonDecodeError::UnexpectedEof { offset: 3 }),
            (
                "\"a\u{1}\"",
                JsonDecodeError::Syntax {
                    offset: 2,
                    message: "control character in string",
                },
            ),
            (
                r#""\x""#,
                JsonDecodeError::Syntax {
                    offset: 2,
                    message: "invalid escape",
                },
            ),
            (
                r#""\ud800""#,
                JsonDecodeError::Syntax {
                    offset: 7,
                    message: "unpaired surrogate in \\u escape",
                },
            ),
            ("1 2", JsonDecodeError::TrailingCharacters { offset: 2 }),
        ];
        for (input, want) in cases {
            assert_eq!(skip_all(input), Err(want), "{input:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let mut r = JsonReader::new(b"\"a\xff\"");
        assert_eq!(
            r.read_str(),
            Err(JsonDecodeError::Syntax {
                offset: 2,
                message: "string is not valid UTF-8"
            })
        );
    }

    #[test]
    fn strings_borrow_when_unescaped_and_are_validated_when_not_ascii() {
        let mut r = JsonReader::new("\"sku-\u{7f}\" \"caf\u{e9} \u{1f600}\"".as_bytes());
        assert!(matches!(r.read_str(), Ok(Cow::Borrowed("sku-\u{7f}"))));
        assert!(matches!(
            r.read_str(),
            Ok(Cow::Borrowed("caf\u{e9} \u{1f600}"))
        ));
        // A multi-byte sequence cut short by the closing quote, and an overlong encoding.
        for (bad, offset) in [(&b"\"ab\xc3\""[..], 3), (&b"\"\xc0\xaf\""[..], 1)] {
            assert_eq!(
                JsonReader::new(bad).read_str(),
                Err(JsonDecodeError::Syntax {
                    offset,
                    message: "string is not valid UTF-8"
                })
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(
            skip_all(&deep),
            Err(JsonDecodeError::TooDeep {
                limit: MAX_DEPTH,
                offset: MAX_DEPTH
            })
        );
    }

    #[test]
    fn integers_are_range_checked() {
        let mut r = JsonReader::new(b"[127,128,-9223372036854775808,18446744073709551616,1.0]");
        let mut items = r.begin_array().unwrap();
        assert!(items.next(&mut r).unwrap());
        assert_eq!(r.read_int::<i8>("i8"), Ok(127));
        assert!(items.next(&mut r).unwrap());
        assert_eq!(
            r.read_int::<i8>("i8"),
            Err(JsonDecodeError::IntOutOfRange {
                value: "128".into(),
                target: "i8",
                offset: 5
            })
        );
        assert!(items.next(&mut r).unwrap());
        assert_eq!(r.read_int::<i64>("i64"), Ok(i64::MIN));
        assert!(items.next(&mut r).unwrap());
        assert!(matches!(
            r.read_int::<i64>("i64"),
            Err(JsonDecodeError::IntOutOfRange { .. })
        ));
        assert!(items.next(&mut r).unwrap());
        assert_eq!(
            r.read_int::<i64>("i64"),
            Err(JsonDecodeError::WrongType {
                expected: "integer",
                found: "a number with a fraction or exponent",
                offset: 51
            })
        );
    }

    #[test]
    fn wrong_types_name_what_was_found() {
        let mut r = JsonReader::new(br#" "x""#);
        assert_eq!(
            r.read_int::<i64>("i64"),
            Err(JsonDecodeError::WrongType {
                expected: "integer",
                found: "a string",
                offset: 1
            })
        );
        assert_eq!(
            r.read_bool(),
            Err(JsonDecodeError::WrongType {
                expected: "boolean",
                found: "a string",
                offset: 1
            })
        );
    }

    #[test]
    fn floats_parse_exactly() {
        for v in [
            0.1f64,
            1e300,
            -2.5e-308,
            9007199254740993.0,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            let text = ryu::Buffer::new().format_finite(v).to_string();
            let mut r = JsonReader::new(text.as_bytes());
            assert_eq!(r.read_f64().map(f64::to_bits), Ok(v.to_bits()), "{text}");
        }
        let mut r = JsonReader::new(b"1e400");
        assert!(matches!(
            r.read_f64(),
            Err(JsonDecodeError::IntOutOfRange { .. })
        ));
    }
}
