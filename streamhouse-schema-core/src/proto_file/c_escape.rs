//! The C escapes of a `bytes` field's default value: descriptors keep that default
//! C-escaped (`"\001\xff"`), and text printed from a descriptor must escape it the way
//! protox stores it when it compiles the text again, or printing would not be stable.

/// The bytes of a C-escaped default, with the escapes prost-reflect (inside protox)
/// accepts: `\a \b \f \n \r \t \v \\ \? \' \"`, one to three octal digits, and `\x` with two
/// hex digits. Refused, where prost-reflect 0.16 would overflow (a panic in debug builds,
/// a wrong byte in release) or slice a `str` inside a character: an octal escape above
/// `\377` and a `\x` not followed by two ASCII hex digits.
pub(crate) fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let src = text.as_bytes();
    let mut out = Vec::with_capacity(src.len());
    let mut p = 0;
    while let Some(&byte) = src.get(p) {
        p += 1;
        if byte != b'\\' {
            out.push(byte);
            continue;
        }
        let Some(&escape) = src.get(p) else {
            return Err("a `\\` ends the default value".into());
        };
        p += 1;
        let simple = match escape {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' | b'?' | b'\'' | b'"' => Some(escape),
            _ => None,
        };
        if let Some(simple) = simple {
            out.push(simple);
            continue;
        }
        match escape {
            b'0'..=b'7' => {
                let mut value = u32::from(escape - b'0');
                for _ in 0..2 {
                    match src.get(p) {
                        Some(&digit @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(digit - b'0');
                            p += 1;
                        }
                        _ => break,
                    }
                }
                let byte = u8::try_from(value)
                    .map_err(|_| format!("the octal escape \\{value:o} is above \\377"))?;
                out.push(byte);
            }
            b'x' | b'X' => {
                let digits = src
                    .get(p..p + 2)
                    .filter(|d| d.iter().all(u8::is_ascii_hexdigit));
                let Some(digits) = digits else {
                    return Err("a `\\x` escape needs two hex digits".into());
                };
                let hex = |d: u8| match d {
                    b'0'..=b'9' => d - b'0',
                    _ => (d | 0x20) - b'a' + 10,
                };
                out.push(hex(digits[0]) * 16 + hex(digits[1]));
                p += 2;
            }
            other => {
                return Err(format!(
                    "`\\{}` is no escape",
                    char::from(other).escape_default()
                ))
            }
        }
    }
    Ok(out)
}

/// `bytes` C-escaped as protox writes a default it compiles from text: `\t \r \n \\ \' \"`,
/// printable ASCII as it is, any other byte as three octal digits.
pub(crate) fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        match byte {
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'"' => out.push_str("\\\""),
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\{byte:03o}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_what_prost_reflect_accepts_and_escapes_as_protox_stores() {
        assert_eq!(
            unescape(r#"a\001\xfF\n\t\r\a\b\f\v\\\?\'\"\7z\12"#),
            Ok(b"a\x01\xff\n\t\r\x07\x08\x0c\x0b\\?'\"\x07z\n".to_vec())
        );
        assert_eq!(
            escape(b"a\x01\xff\n\t\r\\'\"~ "),
            r#"a\001\377\n\t\r\\\'\"~ "#
        );
        // Escaping and unescaping again gives the same bytes for every byte value.
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(unescape(&escape(&all)), Ok(all));
    }

    #[test]
    fn refuses_what_would_overflow_or_split_a_character() {
        assert!(unescape(r"\400").is_err());
        assert!(unescape(r"\777").is_err());
        assert_eq!(unescape(r"\377"), Ok(vec![0xff]));
        assert!(unescape("\\xa\u{e9}").is_err());
        assert!(unescape(r"\x").is_err());
        assert!(unescape(r"\xg0").is_err());
        assert!(unescape(r"\q").is_err());
        assert!(unescape("\\").is_err());
    }
}
