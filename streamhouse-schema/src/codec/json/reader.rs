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

/// The high bit of each of the eight bytes of `v` (little-endian) that a string scan must
/// stop at: a quote, a backslash, a control character or a non-ASCII byte. Bits above the
/// lowest one may be spurious (a borrow runs upwards); the lowest one is exact, and zero
/// means none.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn special_bytes(v: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of a byte of `x` below 0x80 is set exactly when the byte (or, through a
    // borrow, a lower byte) is zero; bytes with the high bit set are caught by `v` itself.
    let zero = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = v.wrapping_sub(ONES * 0x20) & !v;
    let quote = zero(v ^ (ONES * u64::from(b'"')));
    let backslash = zero(v ^ (ONES * u64::from(b'\\')));
    (v | control | quote | backslash) & HIGH
}

/// The powers of ten that `f64` holds exactly: a decimal whose digits make an integer of
/// at most 2^53, with at most 22 fraction digits, is one exact division away from its
/// correctly rounded value (Clinger's fast path).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

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
        // Tokens mostly follow each other without whitespace; no byte above ' ' is any.
        if let Some(&b) = self.input.get(self.pos) {
            if b > b' ' {
                return Ok(b);
            }
        }
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
        if let Some((v, end)) = self.short_integer() {
            self.pos = end;
            return Ok(v);
        }
        self.read_integer_slow(target)
    }

    /// An integer of at most 18 digits (so it fits `i64` without checks), without a leading
    /// zero, fraction or exponent, at the current position: its value and end. `None` for
    /// anything else, which the full scan then reads (or refuses).
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn short_integer(&self) -> Option<(i128, usize)> {
        let rest = self.input.get(self.pos..)?;
        let (neg, digits) = match rest.split_first() {
            Some((b'-', d)) => (true, d),
            _ => (false, rest),
        };
        let mut v: u64 = 0;
        let mut n = 0;
        while let Some(&d) = digits.get(n) {
            if !d.is_ascii_digit() || n == 18 {
                break;
            }
            v = v * 10 + u64::from(d - b'0');
            n += 1;
        }
        let plain = n > 0
            && !(n > 1 && digits[0] == b'0')
            && !matches!(digits.get(n), Some(b'0'..=b'9' | b'.' | b'e' | b'E'));
        if !plain {
            return None;
        }
        let v = i128::from(v);
        Some((if neg { -v } else { v }, self.pos + usize::from(neg) + n))
    }

    /// [`read_integer`](Self::read_integer) through the full number grammar.
    #[cold]
    #[inline(never)]
    fn read_integer_slow(&mut self, target: &'static str) -> Result<i128, JsonDecodeError> {
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
        if let Some((v, end)) = self.short_decimal() {
            self.pos = end;
            return Ok(v);
        }
        self.read_f64_slow()
    }

    /// A decimal without exponent whose digits (integer and fraction) make at most 2^53,
    /// with at most 22 fraction digits, at the current position: its correctly rounded
    /// value (one exact division: Clinger's fast path) and end. `None` for anything else,
    /// which the full scan and `str::parse` then read.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn short_decimal(&self) -> Option<(f64, usize)> {
        let rest = self.input.get(self.pos..)?;
        let (neg, digits) = match rest.split_first() {
            Some((b'-', d)) => (true, d),
            _ => (false, rest),
        };
        let mut m: u64 = 0;
        let mut i = 0;
        while let Some(&d) = digits.get(i) {
            if !d.is_ascii_digit() || i == 16 {
                break;
            }
            m = m * 10 + u64::from(d - b'0');
            i += 1;
        }
        let int_digits = i;
        if int_digits == 0 || (int_digits > 1 && digits[0] == b'0') {
            return None;
        }
        let mut fraction = 0;
        if digits.get(i) == Some(&b'.') {
            i += 1;
            while let Some(&d) = digits.get(i) {
                if !d.is_ascii_digit() || int_digits + fraction == 16 {
                    break;
                }
                m = m * 10 + u64::from(d - b'0');
                i += 1;
                fraction += 1;
            }
            if fraction == 0 {
                return None;
            }
        }
        if matches!(digits.get(i), Some(b'0'..=b'9' | b'.' | b'e' | b'E')) || m > 1 << 53 {
            return None;
        }
        let v = m as f64 / EXACT_POWERS_OF_TEN[fraction];
        Some((if neg { -v } else { v }, self.pos + usize::from(neg) + i))
    }

    /// [`read_f64`](Self::read_f64) through the full number grammar and `str::parse`.
    #[cold]
    #[inline(never)]
    fn read_f64_slow(&mut self) -> Result<f64, JsonDecodeError> {
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
        if let Some(plain) = self.plain_str() {
            return Ok(Cow::Borrowed(plain));
        }
        self.pos += 1;
        let start = self.pos;
        // One table lookup per byte, and UTF-8 validation only for strings that are not
        // plain ASCII: keys and most values are, and this loop is most of a decode.
        let mut ascii = true;
        loop {
            // Eight bytes at a time: the scan jumps to the first byte that is a quote, a
            // backslash, a control character or non-ASCII, which the table then sorts out.
            if let Some(chunk) = self
                .input
                .get(self.pos..)
                .and_then(<[u8]>::first_chunk::<8>)
            {
                let special = special_bytes(u64::from_le_bytes(*chunk));
                if special == 0 {
                    self.pos += 8;
                    continue;
                }
                self.pos += (special.trailing_zeros() / 8) as usize;
            }
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

    /// The string at the current position (its opening quote) when it is plain ASCII
    /// without escapes and ends at least eight bytes before the input does: scanned eight
    /// bytes at a time, borrowed, and consumed. `None` (nothing consumed) for any other
    /// string, which the byte-wise scan of [`read_str`](Self::read_str) then reads.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn plain_str(&mut self) -> Option<&'a str> {
        let start = self.pos + 1;
        let mut end = start;
        loop {
            let chunk = self.input.get(end..).and_then(<[u8]>::first_chunk::<8>)?;
            let special = special_bytes(u64::from_le_bytes(*chunk));
            if special == 0 {
                end += 8;
                continue;
            }
            end += (special.trailing_zeros() / 8) as usize;
            break;
        }
        if self.input.get(end) != Some(&b'"') {
            return None;
        }
        let raw = self.input.get(start..end)?;
        self.pos = end + 1;
        // SAFETY: the scan stopped at the first byte that is a quote, a backslash, a control
        // character or non-ASCII, and that byte is the closing quote: every byte of `raw`
        // is ASCII, and a sequence of ASCII bytes is valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(raw) })
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
        let key = match r.plain_str() {
            Some(plain) => Cow::Borrowed(plain),
            None => r.read_str()?,
        };
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

    /// Decimals the fast path reads (and ones just past it) come out as `str::parse` reads
    /// them, bit for bit, with the reader after the number.
    #[test]
    fn short_decimals_match_the_full_parse() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "49.99",
            "149.97",
            "0.1",
            "0.3",
            "-1.5",
            "9007199254740992",
            "9007199254740993",
            "900719925474099.3",
            "1234567890123456",
            "12345678901234567",
            "0.000000000000001",
            "0.1234567890123456",
            "3.141592653589793",
            "1.7976931348623157",
            "5e-324",
            "1e22",
            "1E5",
            "2.5e+3",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Pseudo-random decimals with up to 17 digits and up to 16 of them after the point.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 17 + 1) as usize;
            let mantissa = (x >> 8) % 10u64.pow(digits as u32);
            let point = ((x >> 3) % (digits as u64 + 1)) as usize;
            let m = format!("{mantissa:0digits$}");
            let (int, frac) = m.split_at(digits - point);
            let int = int.trim_start_matches('0');
            let int = if int.is_empty() { "0" } else { int };
            let sign = if x & 1 == 1 { "-" } else { "" };
            texts.push(if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            });
        }
        for text in texts {
            let want: f64 = text.parse().unwrap();
            let doc = format!("{text},");
            let mut r = JsonReader::new(doc.as_bytes());
            assert_eq!(r.read_f64().map(f64::to_bits), Ok(want.to_bits()), "{text}");
            assert_eq!(r.offset(), text.len(), "{text}");
        }
    }

    /// Integers the fast path reads, and ones it leaves to the full scan, with their errors.
    #[test]
    fn short_integers_match_the_full_scan() {
        for (text, want) in [
            ("0", 0i128),
            ("-0", 0),
            ("7", 7),
            ("-42", -42),
            ("987654321", 987_654_321),
            ("999999999999999999", 999_999_999_999_999_999),
            ("-999999999999999999", -999_999_999_999_999_999),
            ("1000000000000000000", 1_000_000_000_000_000_000),
            ("9223372036854775807", i128::from(i64::MAX)),
            ("-9223372036854775808", i128::from(i64::MIN)),
            ("170141183460469231731687303715884105727", i128::MAX),
        ] {
            let doc = format!("{text}]");
            let mut r = JsonReader::new(doc.as_bytes());
            assert_eq!(r.read_integer("i128"), Ok(want), "{text}");
            assert_eq!(r.offset(), text.len(), "{text}");
        }
        for (text, want) in [
            (
                "01",
                JsonDecodeError::Syntax {
                    offset: 1,
                    message: "leading zeros are not allowed",
                },
            ),
            ("-", JsonDecodeError::UnexpectedEof { offset: 1 }),
            (
                "1.5",
                JsonDecodeError::WrongType {
                    expected: "integer",
                    found: "a number with a fraction or exponent",
                    offset: 0,
                },
            ),
            (
                "2e3",
                JsonDecodeError::WrongType {
                    expected: "integer",
                    found: "a number with a fraction or exponent",
                    offset: 0,
                },
            ),
        ] {
            let mut r = JsonReader::new(text.as_bytes());
            assert_eq!(r.read_integer("i64"), Err(want), "{text}");
        }
        let mut r = JsonReader::new(b"3000000000");
        assert!(matches!(
            r.read_int::<i32>("i32"),
            Err(JsonDecodeError::IntOutOfRange { .. })
        ));
    }

    /// Every string, whatever its length and wherever its special bytes fall against the
    /// eight-byte scan, reads as the byte-wise scan reads it: the same value, the same end,
    /// the same error at the same offset.
    #[test]
    fn strings_read_the_same_at_every_alignment() {
        fn bytewise(doc: &[u8]) -> Result<(String, usize), JsonDecodeError> {
            let mut out = Vec::new();
            let mut pos = 1;
            loop {
                let Some(&b) = doc.get(pos) else {
                    return Err(JsonDecodeError::UnexpectedEof { offset: doc.len() });
                };
                match b {
                    b'"' => break,
                    b'\\' => {
                        // Only `\n` is used below.
                        out.push(b'\n');
                        pos += 2;
                        continue;
                    }
                    0..=0x1f => {
                        return Err(JsonDecodeError::Syntax {
                            offset: pos,
                            message: "control character in string",
                        })
                    }
                    _ => {}
                }
                out.push(b);
                pos += 1;
            }
            let s = String::from_utf8(out).map_err(|_| JsonDecodeError::Syntax {
                offset: 0,
                message: "string is not valid UTF-8",
            })?;
            Ok((s, pos + 1))
        }
        for len in 0..24 {
            for special in [None, Some("\\n"), Some("\u{1}"), Some("\u{e9}"), Some("\"")] {
                for at in 0..=len {
                    let mut body: String = "abcdefghijklmnopqrstuvwxyz".chars().take(len).collect();
                    if let Some(sp) = special {
                        body.insert_str(at.min(body.len()), sp);
                    }
                    for tail in ["", ",\"next\":1}"] {
                        let doc = format!("\"{body}\"{tail}");
                        let want = bytewise(doc.as_bytes());
                        let mut r = JsonReader::new(doc.as_bytes());
                        let got = r.read_str().map(|s| (s.into_owned(), r.offset()));
                        assert_eq!(got, want, "{doc:?}");
                        // The same string as an object key.
                        let obj = format!("{{{doc}:0}}");
                        let mut r = JsonReader::new(obj.as_bytes());
                        let mut keys = r.begin_object().unwrap();
                        let key = keys.next_key(&mut r).map(|k| k.map(Cow::into_owned));
                        match &want {
                            Ok((s, end)) if *end == doc.len() => {
                                assert_eq!(key, Ok(Some(s.clone())), "{obj:?}")
                            }
                            Ok(_) => assert!(key.is_err(), "{obj:?}"),
                            Err(JsonDecodeError::Syntax { offset, message }) => assert_eq!(
                                key,
                                Err(JsonDecodeError::Syntax {
                                    offset: offset + 1,
                                    message
                                }),
                                "{obj:?}"
                            ),
                            Err(_) => assert!(key.is_err(), "{obj:?}"),
                        }
                    }
                }
            }
        }
    }
}
