//! Writing JSON tokens straight into a caller's buffer: compact, UTF-8, `/` and non-ASCII
//! unescaped (what Python's `json.dumps(..., separators=(',', ':'), ensure_ascii=False)`
//! and serde_json both write).

use base64::Engine as _;
use bytes::BufMut;

use super::float::python_notation;
use super::JsonEncodeError;

/// How each byte is written inside a string: `0` as itself, `u` as `\u00XX`, anything
/// else as a backslash followed by that letter.
const ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `s` as a quoted JSON string.
#[inline]
pub fn write_str<B: BufMut>(buf: &mut B, s: &str) {
    buf.put_u8(b'"');
    let mut rest = s.as_bytes();
    // Copy runs of bytes that need no escape in one go; `i` always indexes `rest`.
    'outer: loop {
        for (i, &b) in rest.iter().enumerate() {
            let esc = ESCAPE[b as usize];
            if esc == 0 {
                continue;
            }
            let (run, tail) = rest.split_at(i);
            buf.put_slice(run);
            if esc == b'u' {
                buf.put_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ]);
            } else {
                buf.put_slice(&[b'\\', esc]);
            }
            rest = tail.get(1..).unwrap_or_default();
            continue 'outer;
        }
        buf.put_slice(rest);
        break;
    }
    buf.put_u8(b'"');
}

/// Writes an integer.
#[inline]
pub fn write_int<B: BufMut, I: itoa::Integer>(buf: &mut B, v: I) {
    let mut b = itoa::Buffer::new();
    buf.put_slice(b.format(v).as_bytes());
}

/// Writes an `f64` in its shortest form that parses back to the same bits, in the
/// notation of Python's `repr` (`1e+16`, `1e-05`), which Confluent's Python serializer
/// writes (`super::float`).
#[inline]
pub fn write_f64<B: BufMut>(buf: &mut B, v: f64) -> Result<(), JsonEncodeError> {
    if !v.is_finite() {
        return Err(JsonEncodeError::NonFiniteFloat {
            value: v.to_string(),
        });
    }
    let mut b = ryu::Buffer::new();
    buf.put_slice(python_notation(b.format_finite(v)).as_bytes());
    Ok(())
}

/// Writes an `f32` in its shortest form that parses back (as `f32`) to the same bits, in
/// the notation of [`write_f64`].
#[inline]
pub fn write_f32<B: BufMut>(buf: &mut B, v: f32) -> Result<(), JsonEncodeError> {
    if !v.is_finite() {
        return Err(JsonEncodeError::NonFiniteFloat {
            value: v.to_string(),
        });
    }
    let mut b = ryu::Buffer::new();
    buf.put_slice(python_notation(b.format_finite(v)).as_bytes());
    Ok(())
}

/// Writes bytes as a standard (RFC 4648, padded) base64 string.
#[inline]
pub fn write_base64<B: BufMut>(buf: &mut B, bytes: &[u8]) {
    buf.put_u8(b'"');
    // Small values (fixed, uuids, hashes) are encoded on the stack.
    let mut stack = [0u8; 64];
    match base64::engine::general_purpose::STANDARD.encode_slice(bytes, &mut stack) {
        Ok(n) => buf.put_slice(stack.get(..n).unwrap_or_default()),
        Err(_) => buf.put_slice(
            base64::engine::general_purpose::STANDARD
                .encode(bytes)
                .as_bytes(),
        ),
    }
    buf.put_u8(b'"');
}

/// Writes `null`.
#[inline]
pub fn write_null<B: BufMut>(buf: &mut B) {
    buf.put_slice(b"null");
}

/// Writes items as a JSON array, `item` writing each one.
#[inline]
pub fn write_array<'a, T: 'a, B: BufMut>(
    items: impl IntoIterator<Item = &'a T>,
    buf: &mut B,
    mut item: impl FnMut(&'a T, &mut B) -> Result<(), JsonEncodeError>,
) -> Result<(), JsonEncodeError> {
    buf.put_u8(b'[');
    let mut first = true;
    for v in items {
        if !first {
            buf.put_u8(b',');
        }
        first = false;
        item(v, buf)?;
    }
    buf.put_u8(b']');
    Ok(())
}

/// Writes entries as a JSON object, `value` writing each value.
#[inline]
pub fn write_map<'a, K, V, B>(
    entries: impl IntoIterator<Item = (&'a K, &'a V)>,
    buf: &mut B,
    mut value: impl FnMut(&'a V, &mut B) -> Result<(), JsonEncodeError>,
) -> Result<(), JsonEncodeError>
where
    K: AsRef<str> + ?Sized + 'a,
    V: 'a,
    B: BufMut,
{
    buf.put_u8(b'{');
    let mut first = true;
    for (k, v) in entries {
        if !first {
            buf.put_u8(b',');
        }
        first = false;
        write_str(buf, k.as_ref());
        buf.put_u8(b':');
        value(v, buf)?;
    }
    buf.put_u8(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        let mut buf = Vec::new();
        write_str(&mut buf, v);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn strings_are_escaped_like_python_json_dumps() {
        assert_eq!(s("plain"), r#""plain""#);
        assert_eq!(
            s("Jürgen 中文 😀 \"q\" \\ /"),
            r#""Jürgen 中文 😀 \"q\" \\ /""#
        );
        assert_eq!(
            s("a\nb\tc\u{1}\u{1f}\u{7f}"),
            "\"a\\nb\\tc\\u0001\\u001f\u{7f}\""
        );
        assert_eq!(s("\u{8}\u{c}\r"), r#""\b\f\r""#);
        assert_eq!(s(""), r#""""#);
    }

    #[test]
    fn every_escaped_string_parses_back_with_serde_json() {
        let all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        let back: String = serde_json::from_str(&s(&all)).unwrap();
        assert_eq!(back, all);
    }

    #[test]
    fn floats_are_shortest_round_trip_and_non_finite_is_an_error() {
        let mut buf = Vec::new();
        write_f64(&mut buf, 9.5).unwrap();
        buf.push(b' ');
        write_f64(&mut buf, 1.0).unwrap();
        buf.push(b' ');
        write_f64(&mut buf, 0.1 + 0.2).unwrap();
        buf.push(b' ');
        write_f32(&mut buf, 0.1).unwrap();
        assert_eq!(buf, b"9.5 1.0 0.30000000000000004 0.1");
        assert_eq!(
            write_f64(&mut buf, f64::NAN),
            Err(JsonEncodeError::NonFiniteFloat {
                value: "NaN".into()
            })
        );
        assert!(write_f32(&mut buf, f32::NEG_INFINITY).is_err());
    }

    #[test]
    fn base64_is_standard_and_padded_for_small_and_large_inputs() {
        let mut buf = Vec::new();
        write_base64(&mut buf, &[0xfb, 0xff]);
        assert_eq!(buf, br#""+/8=""#);
        let big = vec![0u8; 100];
        let mut buf = Vec::new();
        write_base64(&mut buf, &big);
        assert_eq!(buf.len(), 2 + 136);
        assert!(buf.starts_with(b"\"AAAA"));
    }
}
