//! RFC 3339 dates and times as the JSON Schema formats `date`, `time` and `date-time`
//! spell them, independent of the date/time crate: the crate-specific impls in
//! `logical.rs` convert to and from these plain components.

use bytes::BufMut;

use super::JsonEncodeError;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ymd {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// A time of day; `nanos` may reach 1_999_999_999 for a leap second (chrono's convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hms {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
}

/// How many fraction digits to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    Millis,
    Micros,
}

fn two<B: BufMut>(buf: &mut B, v: u32) {
    buf.put_slice(&[b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8]);
}

/// Writes `YYYY-MM-DD` (no quotes); years outside 0000-9999 have no RFC 3339 spelling.
pub(crate) fn write_date<B: BufMut>(buf: &mut B, d: Ymd) -> Result<(), JsonEncodeError> {
    let year = u32::try_from(d.year)
        .ok()
        .filter(|y| *y <= 9999)
        .ok_or_else(|| JsonEncodeError::OutOfRange {
            value: format!("year {}", d.year),
            reason: "RFC 3339 (JSON Schema date and date-time) years run from 0000 to 9999",
        })?;
    two(buf, year / 100);
    two(buf, year % 100);
    buf.put_u8(b'-');
    two(buf, d.month);
    buf.put_u8(b'-');
    two(buf, d.day);
    Ok(())
}

/// Writes `HH:MM:SS.fff` or `HH:MM:SS.ffffff` (no quotes, no offset). A leap second is
/// folded into the last representable instant of its second, as the Avro codec does.
pub(crate) fn write_time<B: BufMut>(buf: &mut B, t: Hms, p: Precision) {
    let nanos = t.nanos.min(999_999_999);
    two(buf, t.hour);
    buf.put_u8(b':');
    two(buf, t.minute);
    buf.put_u8(b':');
    two(buf, t.second);
    buf.put_u8(b'.');
    match p {
        Precision::Millis => {
            let ms = nanos / 1_000_000;
            buf.put_slice(&[b'0' + (ms / 100) as u8]);
            two(buf, ms % 100);
        }
        Precision::Micros => {
            let us = nanos / 1000;
            two(buf, us / 10_000);
            two(buf, us / 100 % 100);
            two(buf, us % 100);
        }
    }
}

/// A cursor over the ASCII text of a date or time.
struct Cursor<'a> {
    s: &'a [u8],
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let (head, tail) = self.s.split_at_checked(n)?;
        let mut v = 0u32;
        for &c in head {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.s = tail;
        Some(v)
    }

    fn byte(&mut self, want: &[u8]) -> Option<u8> {
        let (&c, tail) = self.s.split_first()?;
        if want.contains(&c) {
            self.s = tail;
            Some(c)
        } else {
            None
        }
    }

    fn date(&mut self) -> Option<Ymd> {
        let year = self.digits(4)?;
        self.byte(b"-")?;
        let month = self.digits(2)?;
        self.byte(b"-")?;
        let day = self.digits(2)?;
        Some(Ymd {
            year: i32::try_from(year).ok()?,
            month,
            day,
        })
    }

    fn time(&mut self) -> Option<Hms> {
        let hour = self.digits(2)?;
        self.byte(b":")?;
        let minute = self.digits(2)?;
        self.byte(b":")?;
        let second = self.digits(2)?;
        let mut nanos = 0u32;
        if self.byte(b".").is_some() {
            let mut n = 0;
            while let Some(d) = self.digits(1) {
                n += 1;
                if n > 9 {
                    // Beyond nanoseconds: no Rust date/time type can hold it.
                    return None;
                }
                nanos = nanos * 10 + d;
            }
            if n == 0 {
                return None;
            }
            nanos *= 10u32.pow(9 - n);
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        Some(Hms {
            hour,
            minute,
            second,
            nanos,
        })
    }

    /// `Z`, `z` or `±HH:MM`, as seconds east of UTC.
    fn offset(&mut self) -> Option<i32> {
        match self.byte(b"Zz+-")? {
            b'Z' | b'z' => Some(0),
            sign => {
                let h = self.digits(2)?;
                self.byte(b":")?;
                let m = self.digits(2)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let secs = i32::try_from(h * 3600 + m * 60).ok()?;
                Some(if sign == b'-' { -secs } else { secs })
            }
        }
    }

    fn end(&self) -> Option<()> {
        self.s.is_empty().then_some(())
    }
}

/// Parses `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<Ymd> {
    let mut c = Cursor { s: s.as_bytes() };
    let d = c.date()?;
    c.end()?;
    Some(d)
}

/// Parses `HH:MM:SS[.f]` with an optional UTC offset, which must be zero: a time of day
/// carries no zone to convert into.
pub(crate) fn parse_time(s: &str) -> Option<Hms> {
    let mut c = Cursor { s: s.as_bytes() };
    let t = c.time()?;
    if !c.s.is_empty() && c.offset()? != 0 {
        return None;
    }
    c.end()?;
    Some(t)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.f]` followed by an offset when `zoned` (the result is
/// then local time at that offset, in seconds east of UTC) or by nothing otherwise.
pub(crate) fn parse_date_time(s: &str, zoned: bool) -> Option<(Ymd, Hms, i32)> {
    let mut c = Cursor { s: s.as_bytes() };
    let d = c.date()?;
    c.byte(b"Tt")?;
    let t = c.time()?;
    let off = if zoned { c.offset()? } else { 0 };
    c.end()?;
    Some((d, t, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_written_in_rfc3339() {
        let mut buf = Vec::new();
        write_date(
            &mut buf,
            Ymd {
                year: 7,
                month: 3,
                day: 9,
            },
        )
        .unwrap();
        buf.push(b'T');
        write_time(
            &mut buf,
            Hms {
                hour: 4,
                minute: 5,
                second: 6,
                nanos: 7_008_009,
            },
            Precision::Micros,
        );
        buf.push(b' ');
        write_time(
            &mut buf,
            Hms {
                hour: 23,
                minute: 59,
                second: 59,
                nanos: 1_500_000_000,
            },
            Precision::Millis,
        );
        assert_eq!(buf, b"0007-03-09T04:05:06.007008 23:59:59.999");
        assert!(write_date(
            &mut buf,
            Ymd {
                year: 10000,
                month: 1,
                day: 1
            }
        )
        .is_err());
        assert!(write_date(
            &mut buf,
            Ymd {
                year: -1,
                month: 1,
                day: 1
            }
        )
        .is_err());
    }

    #[test]
    fn parsing_accepts_rfc3339_and_refuses_the_rest() {
        assert_eq!(
            parse_date("2024-02-29"),
            Some(Ymd {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        assert_eq!(parse_date("2024-2-29"), None);
        assert_eq!(parse_date("2024-02-29x"), None);
        assert_eq!(
            parse_time("12:34:56.5Z"),
            Some(Hms {
                hour: 12,
                minute: 34,
                second: 56,
                nanos: 500_000_000
            })
        );
        assert_eq!(
            parse_time("12:34:56"),
            Some(Hms {
                hour: 12,
                minute: 34,
                second: 56,
                nanos: 0
            })
        );
        assert_eq!(parse_time("12:34:56+01:00"), None);
        assert_eq!(parse_time("24:00:00Z"), None);
        assert_eq!(parse_time("12:34:56.1234567891Z"), None);
        assert_eq!(
            parse_date_time("1999-12-31t23:00:00.000001-05:30", true),
            Some((
                Ymd {
                    year: 1999,
                    month: 12,
                    day: 31
                },
                Hms {
                    hour: 23,
                    minute: 0,
                    second: 0,
                    nanos: 1000
                },
                -19800
            ))
        );
        assert_eq!(parse_date_time("1999-12-31T23:00:00", true), None);
        assert_eq!(parse_date_time("1999-12-31T23:00:00Z", false), None);
        assert!(parse_date_time("1999-12-31T23:00:00", false).is_some());
    }
}
