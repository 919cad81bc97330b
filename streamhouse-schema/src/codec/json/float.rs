//! Floating-point numbers in the notation of Python's `repr(float)`, which is what
//! Confluent's Python `JSONSerializer` writes (`json.dumps` formats floats with
//! `float.__repr__`).
//!
//! The digits are the shortest that parse back to the same value (`ryu`'s, the same
//! digits Python's `repr` picks: both are shortest round-trip, David Gay's `dtoa` mode 0 in
//! CPython's `Python/pystrtod.c`, `format_float_short`). Only the notation is Python's:
//!
//! - with `decpt` the position of the decimal point relative to the digits (`1.5` has
//!   digits `15` and `decpt` 1), a value is written in positional notation when
//!   `-4 < decpt <= 16` and in exponent notation otherwise (`format_float_short`'s
//!   `use_exp` for the `'r'` format: `decpt <= -4 || decpt > 16`); `ryu` switches at
//!   `-5 < decpt <= 16`, so `0.00001` is `1e-05` here;
//! - the exponent always has a sign and at least two digits (`1e+16`, `1e-05`,
//!   `5e-324`), where `ryu` writes `1e16` and `1e-5`;
//! - a positional integral value ends in `.0` (`100.0`, `-0.0`), as with `ryu`.
//!
//! Confluent's Java serializer writes through Jackson, whose `writeNumber(double)` uses
//! `Double.toString`: `1.0E16`, `1.0E-5`, and exponent notation already from `1.0E7`.
//! Both notations are valid JSON that any reader parses to the same double; this writer
//! follows the Python client. `f32` values are written with their own shortest digits
//! (which parse back as the same `f32`) in the same notation; Python has no `f32` and
//! would print the widened double's digits (`0.10000000149011612` for `0.1f32`).

/// Room for the longest output: sign, 17 digits, point, `e-308`, with margin.
const CAP: usize = 32;

/// A formatted number held on the stack.
pub struct PyFloat {
    buf: [u8; CAP],
    len: usize,
}

impl PyFloat {
    /// The number's text.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    fn push_all(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.push(b);
        }
    }
}

/// `ryu`'s shortest text of a finite number, rewritten in Python's notation.
///
/// `ryu` writes `-?D+.D+`, `-?0.0*D+`, `-?D+0*.0` or `-?D(.D+)?e-?X`; the digits and the
/// decimal point's position are read back from that text.
pub fn python_notation(ryu_text: &str) -> PyFloat {
    let text = ryu_text.as_bytes();
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(i) => (
            text.get(..i).unwrap_or_default(),
            parse_exponent(text.get(i + 1..).unwrap_or_default()),
        ),
        None => (text, 0),
    };
    // The significant digits and where the point sits among all of the mantissa's digits.
    let mut digits = [0u8; CAP];
    let mut n = 0usize;
    let mut point: Option<i32> = None;
    let mut seen = 0i32;
    for &b in mantissa {
        if b == b'.' {
            point = Some(seen);
            continue;
        }
        seen += 1;
        if let Some(slot) = digits.get_mut(n) {
            *slot = b;
            n += 1;
        }
    }
    let point = point.unwrap_or(seen);
    // Leading zeros move the point left; trailing zeros are dropped.
    let lead = digits
        .get(..n)
        .unwrap_or_default()
        .iter()
        .take_while(|&&d| d == b'0')
        .count();
    let digits_all = digits.get(lead..n).unwrap_or_default();
    let trail = digits_all.iter().rev().take_while(|&&d| d == b'0').count();
    let sig = digits_all
        .get(..digits_all.len() - trail)
        .unwrap_or_default();
    let mut out = PyFloat {
        buf: [0; CAP],
        len: 0,
    };
    if negative {
        out.push(b'-');
    }
    if sig.is_empty() {
        out.push_all(b"0.0");
        return out;
    }
    let decpt = point - lead as i32 + exponent;
    let len = sig.len() as i32;
    if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            out.push_all(b"0.");
            for _ in 0..-decpt {
                out.push(b'0');
            }
            out.push_all(sig);
        } else if decpt >= len {
            out.push_all(sig);
            for _ in 0..decpt - len {
                out.push(b'0');
            }
            out.push_all(b".0");
        } else {
            let (int, frac) = sig.split_at(decpt as usize);
            out.push_all(int);
            out.push(b'.');
            out.push_all(frac);
        }
    } else {
        let (first, rest) = sig.split_at(1);
        out.push_all(first);
        if !rest.is_empty() {
            out.push(b'.');
            out.push_all(rest);
        }
        let e = decpt - 1;
        out.push(b'e');
        out.push(if e < 0 { b'-' } else { b'+' });
        let mut itoa = itoa::Buffer::new();
        let abs = itoa.format(e.unsigned_abs());
        if abs.len() < 2 {
            out.push(b'0');
        }
        out.push_all(abs.as_bytes());
    }
    out
}

/// The value of an exponent `-?[0-9]+` (`ryu` never writes more than three digits).
fn parse_exponent(text: &[u8]) -> i32 {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, text),
    };
    let mut v = 0i32;
    for &d in digits {
        v = v
            .saturating_mul(10)
            .saturating_add(i32::from(d.wrapping_sub(b'0')));
    }
    sign * v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(v: f64) -> String {
        let mut b = ryu::Buffer::new();
        String::from_utf8(python_notation(b.format_finite(v)).as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn every_ryu_shape_is_rewritten() {
        assert_eq!(py(0.0), "0.0");
        assert_eq!(py(-0.0), "-0.0");
        assert_eq!(py(1.0), "1.0");
        assert_eq!(py(100.0), "100.0");
        assert_eq!(py(1.5), "1.5");
        assert_eq!(py(0.001), "0.001");
        assert_eq!(py(0.0001), "0.0001");
        assert_eq!(py(0.00001), "1e-05");
        assert_eq!(py(0.000012345), "1.2345e-05");
        assert_eq!(py(1e16), "1e+16");
        assert_eq!(py(1e15), "1000000000000000.0");
        assert_eq!(py(-2.5e-300), "-2.5e-300");
        assert_eq!(py(f64::MAX), "1.7976931348623157e+308");
        assert_eq!(py(5e-324), "5e-324");
    }
}
