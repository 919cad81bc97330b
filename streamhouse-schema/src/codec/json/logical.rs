//! Logical types as JSON strings: uuid, dates, times, timestamps, decimals, and wide
//! integers with an explicit mapping.

use bytes::BufMut;

use super::reader::JsonReader;
#[cfg(any(feature = "chrono", feature = "time"))]
use super::temporal::{self, Hms, Precision, Ymd};
#[allow(unused_imports)]
use super::{JsonDecode, JsonDecodeError, JsonEncode, JsonEncodeError};

/// Temporal types with a millisecond form besides their default microsecond one
/// (`#[stream_schema(unit = "millis")]`): fewer fraction digits in the same string format.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no millisecond mapping",
    note = "unit = \"millis\" applies to timestamps and times of day (chrono, time)"
)]
pub trait JsonTemporalMillis: JsonDecode {
    /// Writes the value with millisecond precision (sub-millisecond digits are dropped).
    fn encode_json_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError>;

    /// Reads a value; any number of fraction digits up to nanoseconds is accepted.
    #[inline]
    fn decode_json_millis(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        Self::read_json(r)
    }
}

/// Reads a string and where it started, for format errors.
fn read_text<'a>(
    r: &mut JsonReader<'a>,
) -> Result<(std::borrow::Cow<'a, str>, usize), JsonDecodeError> {
    r.peek()?;
    let at = r.offset();
    Ok((r.read_str()?, at))
}

#[cfg(any(feature = "chrono", feature = "time"))]
fn write_quoted_date_time<B: BufMut>(
    buf: &mut B,
    d: Ymd,
    t: Hms,
    p: Precision,
    zoned: bool,
) -> Result<(), JsonEncodeError> {
    buf.put_u8(b'"');
    temporal::write_date(buf, d)?;
    buf.put_u8(b'T');
    temporal::write_time(buf, t, p);
    if zoned {
        buf.put_u8(b'Z');
    }
    buf.put_u8(b'"');
    Ok(())
}

#[cfg(any(feature = "chrono", feature = "time"))]
fn write_quoted_time<B: BufMut>(buf: &mut B, t: Hms, p: Precision) {
    buf.put_u8(b'"');
    temporal::write_time(buf, t, p);
    // `format: time` (RFC 3339 full-time) requires an offset; a time of day is read as UTC.
    buf.put_slice(b"Z\"");
}

#[cfg(any(feature = "chrono", feature = "time"))]
fn write_quoted_date<B: BufMut>(buf: &mut B, d: Ymd) -> Result<(), JsonEncodeError> {
    buf.put_u8(b'"');
    temporal::write_date(buf, d)?;
    buf.put_u8(b'"');
    Ok(())
}

#[cfg(feature = "uuid")]
impl JsonEncode for uuid::Uuid {
    #[inline]
    fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        buf.put_u8(b'"');
        buf.put_slice(self.hyphenated().encode_lower(&mut text).as_bytes());
        buf.put_u8(b'"');
        Ok(())
    }
}
#[cfg(feature = "uuid")]
impl JsonDecode for uuid::Uuid {
    #[inline]
    fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
        let (s, at) = read_text(r)?;
        uuid::Uuid::try_parse(&s).map_err(|_| r.invalid_format("uuid", &s, at))
    }
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::*;
    use chrono::{
        DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc,
    };

    fn ymd(d: &impl Datelike) -> Ymd {
        Ymd {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        }
    }
    fn hms(t: &impl Timelike) -> Hms {
        Hms {
            hour: t.hour(),
            minute: t.minute(),
            second: t.second(),
            nanos: t.nanosecond(),
        }
    }
    fn date(d: Ymd) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(d.year, d.month, d.day)
    }
    fn time(t: Hms) -> Option<NaiveTime> {
        // chrono spells a leap second as second 59 with nanos past one second.
        let (second, nanos) = if t.second == 60 {
            (59, t.nanos + 1_000_000_000)
        } else {
            (t.second, t.nanos)
        };
        NaiveTime::from_hms_nano_opt(t.hour, t.minute, second, nanos)
    }
    fn date_time(r: &mut JsonReader<'_>, zoned: bool) -> Result<NaiveDateTime, JsonDecodeError> {
        let (s, at) = read_text(r)?;
        temporal::parse_date_time(&s, zoned)
            .and_then(|(d, t, off)| {
                NaiveDateTime::new(date(d)?, time(t)?)
                    .checked_sub_signed(TimeDelta::try_seconds(i64::from(off))?)
            })
            .ok_or_else(|| {
                r.invalid_format(
                    if zoned {
                        "date-time"
                    } else {
                        "local date-time"
                    },
                    &s,
                    at,
                )
            })
    }

    impl JsonEncode for DateTime<Utc> {
        #[inline]
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            let n = self.naive_utc();
            write_quoted_date_time(buf, ymd(&n), hms(&n), Precision::Micros, true)
        }
    }
    impl JsonDecode for DateTime<Utc> {
        #[inline]
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            date_time(r, true).map(|n| n.and_utc())
        }
    }
    impl JsonTemporalMillis for DateTime<Utc> {
        #[inline]
        fn encode_json_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            let n = self.naive_utc();
            write_quoted_date_time(buf, ymd(&n), hms(&n), Precision::Millis, true)
        }
    }

    impl JsonEncode for NaiveDateTime {
        #[inline]
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_date_time(buf, ymd(self), hms(self), Precision::Micros, false)
        }
    }
    impl JsonDecode for NaiveDateTime {
        #[inline]
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            date_time(r, false)
        }
    }
    impl JsonTemporalMillis for NaiveDateTime {
        #[inline]
        fn encode_json_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_date_time(buf, ymd(self), hms(self), Precision::Millis, false)
        }
    }

    impl JsonEncode for NaiveDate {
        #[inline]
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_date(buf, ymd(self))
        }
    }
    impl JsonDecode for NaiveDate {
        #[inline]
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            let (s, at) = read_text(r)?;
            temporal::parse_date(&s)
                .and_then(date)
                .ok_or_else(|| r.invalid_format("date", &s, at))
        }
    }

    impl JsonEncode for NaiveTime {
        #[inline]
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_time(buf, hms(self), Precision::Micros);
            Ok(())
        }
    }
    impl JsonDecode for NaiveTime {
        #[inline]
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            let (s, at) = read_text(r)?;
            temporal::parse_time(&s)
                .and_then(time)
                .ok_or_else(|| r.invalid_format("time", &s, at))
        }
    }
    impl JsonTemporalMillis for NaiveTime {
        #[inline]
        fn encode_json_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_time(buf, hms(self), Precision::Millis);
            Ok(())
        }
    }
}

#[cfg(feature = "time")]
mod time_impls {
    use super::*;
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    fn ymd(d: Date) -> Ymd {
        Ymd {
            year: d.year(),
            month: u32::from(u8::from(d.month())),
            day: u32::from(d.day()),
        }
    }
    fn hms(t: Time) -> Hms {
        Hms {
            hour: u32::from(t.hour()),
            minute: u32::from(t.minute()),
            second: u32::from(t.second()),
            nanos: t.nanosecond(),
        }
    }
    fn date(d: Ymd) -> Option<Date> {
        let month = Month::try_from(u8::try_from(d.month).ok()?).ok()?;
        Date::from_calendar_date(d.year, month, u8::try_from(d.day).ok()?).ok()
    }
    fn time(t: Hms) -> Option<Time> {
        Time::from_hms_nano(
            u8::try_from(t.hour).ok()?,
            u8::try_from(t.minute).ok()?,
            u8::try_from(t.second).ok()?,
            t.nanos,
        )
        .ok()
    }
    fn utc(dt: OffsetDateTime) -> Result<OffsetDateTime, JsonEncodeError> {
        OffsetDateTime::from_unix_timestamp_nanos(dt.unix_timestamp_nanos()).map_err(|_| {
            JsonEncodeError::OutOfRange {
                value: dt.to_string(),
                reason: "the instant has no UTC date in the time crate's range",
            }
        })
    }
    fn write_offset<B: BufMut>(
        dt: &OffsetDateTime,
        p: Precision,
        buf: &mut B,
    ) -> Result<(), JsonEncodeError> {
        let u = utc(*dt)?;
        write_quoted_date_time(buf, ymd(u.date()), hms(u.time()), p, true)
    }
    fn read_offset(r: &mut JsonReader<'_>) -> Result<OffsetDateTime, JsonDecodeError> {
        let (s, at) = read_text(r)?;
        temporal::parse_date_time(&s, true)
            .and_then(|(d, t, off)| {
                let local = PrimitiveDateTime::new(date(d)?, time(t)?);
                let dt = local.assume_offset(UtcOffset::from_whole_seconds(off).ok()?);
                OffsetDateTime::from_unix_timestamp_nanos(dt.unix_timestamp_nanos()).ok()
            })
            .ok_or_else(|| r.invalid_format("date-time", &s, at))
    }

    impl JsonEncode for OffsetDateTime {
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_offset(self, Precision::Micros, buf)
        }
    }
    impl JsonDecode for OffsetDateTime {
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            read_offset(r)
        }
    }
    impl JsonTemporalMillis for OffsetDateTime {
        fn encode_json_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_offset(self, Precision::Millis, buf)
        }
    }

    impl JsonEncode for PrimitiveDateTime {
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_date_time(
                buf,
                ymd(self.date()),
                hms(self.time()),
                Precision::Micros,
                false,
            )
        }
    }
    impl JsonDecode for PrimitiveDateTime {
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            let (s, at) = read_text(r)?;
            temporal::parse_date_time(&s, false)
                .and_then(|(d, t, _)| Some(PrimitiveDateTime::new(date(d)?, time(t)?)))
                .ok_or_else(|| r.invalid_format("local date-time", &s, at))
        }
    }
    impl JsonTemporalMillis for PrimitiveDateTime {
        fn encode_json_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_date_time(
                buf,
                ymd(self.date()),
                hms(self.time()),
                Precision::Millis,
                false,
            )
        }
    }

    impl JsonEncode for Date {
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_date(buf, ymd(*self))
        }
    }
    impl JsonDecode for Date {
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            let (s, at) = read_text(r)?;
            temporal::parse_date(&s)
                .and_then(date)
                .ok_or_else(|| r.invalid_format("date", &s, at))
        }
    }

    impl JsonEncode for Time {
        fn encode_json<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_time(buf, hms(*self), Precision::Micros);
            Ok(())
        }
    }
    impl JsonDecode for Time {
        fn read_json(r: &mut JsonReader<'_>) -> Result<Self, JsonDecodeError> {
            let (s, at) = read_text(r)?;
            temporal::parse_time(&s)
                .and_then(time)
                .ok_or_else(|| r.invalid_format("time", &s, at))
        }
    }
    impl JsonTemporalMillis for Time {
        fn encode_json_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), JsonEncodeError> {
            write_quoted_time(buf, hms(*self), Precision::Millis);
            Ok(())
        }
    }
}

/// Writes the decimal `unscaled × 10^-scale` with exactly `scale` fraction digits.
pub(crate) fn format_decimal(unscaled: i128, scale: u32) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Reads `[-]digits[.digits]` as an unscaled value at `scale` digits, refusing more than
/// `scale` fraction digits (rounding would change the value) or more than `precision`
/// digits in all.
pub(crate) fn parse_decimal(s: &str, precision: u32, scale: u32) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty()
        || (body.contains('.') && frac.is_empty())
        || frac.len() > scale as usize
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut v: i128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        v = v.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    v = v.checked_mul(10i128.checked_pow(scale - frac.len() as u32)?)?;
    if v.unsigned_abs() >= 10u128.checked_pow(precision).unwrap_or(u128::MAX) {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Helpers the derive calls for fields with explicit mappings.
pub mod with {
    use super::*;
    use crate::codec::avro::{DecimalCodec, WideIntCodec};
    use crate::codec::json::primitives::read_base64;
    use crate::codec::json::writer::{write_base64, write_int, write_str};

    /// Writes a wide integer (`repr = "long"`) as a checked `long`.
    #[inline]
    pub fn encode_wide_long<T: WideIntCodec, B: BufMut>(
        v: &T,
        buf: &mut B,
    ) -> Result<(), JsonEncodeError> {
        write_int(buf, v.to_long()?);
        Ok(())
    }
    /// Reads a wide integer written as a `long`.
    #[inline]
    pub fn decode_wide_long<T: WideIntCodec>(r: &mut JsonReader<'_>) -> Result<T, JsonDecodeError> {
        Ok(T::from_long(r.read_int::<i64>("long")?)?)
    }

    /// Writes a wide integer (`repr = "fixed"`) as base64 of its big-endian bytes.
    #[inline]
    pub fn encode_wide_fixed<T: WideIntCodec, B: BufMut>(
        v: &T,
        buf: &mut B,
    ) -> Result<(), JsonEncodeError> {
        let mut be = Vec::with_capacity(T::FIXED_SIZE);
        v.encode_fixed(&mut be);
        write_base64(buf, &be);
        Ok(())
    }
    /// Reads a wide integer written by [`encode_wide_fixed`].
    #[inline]
    pub fn decode_wide_fixed<T: WideIntCodec>(
        r: &mut JsonReader<'_>,
    ) -> Result<T, JsonDecodeError> {
        r.peek()?;
        let at = r.offset();
        let bytes = read_base64(r)?;
        if bytes.len() != T::FIXED_SIZE {
            return Err(JsonDecodeError::InvalidFormat {
                format: "fixed-size base64",
                value: format!("{} bytes where {} are required", bytes.len(), T::FIXED_SIZE),
                offset: at,
            });
        }
        Ok(T::decode_fixed(&mut bytes.as_slice())?)
    }

    /// Writes a decimal as a string with exactly `scale` fraction digits.
    pub fn encode_decimal<T: DecimalCodec, B: BufMut>(
        v: &T,
        precision: u32,
        scale: u32,
        buf: &mut B,
    ) -> Result<(), JsonEncodeError> {
        let unscaled = v.unscaled(precision, scale)?;
        write_str(buf, &format_decimal(unscaled, scale));
        Ok(())
    }
    /// Reads a decimal string.
    pub fn decode_decimal<T: DecimalCodec>(
        precision: u32,
        scale: u32,
        r: &mut JsonReader<'_>,
    ) -> Result<T, JsonDecodeError> {
        let (s, at) = read_text(r)?;
        let unscaled = parse_decimal(&s, precision, scale)
            .ok_or_else(|| r.invalid_format("decimal", &s, at))?;
        Ok(T::from_unscaled(unscaled, scale)?)
    }

    /// Writes `Vec<u8>` with `repr = "array"` as an array of integers.
    #[inline]
    pub fn encode_byte_array<B: BufMut>(v: &[u8], buf: &mut B) -> Result<(), JsonEncodeError> {
        crate::codec::json::writer::write_array(v, buf, |b, buf| {
            write_int(buf, *b);
            Ok(())
        })
    }
    /// Reads what [`encode_byte_array`] wrote.
    #[inline]
    pub fn decode_byte_array(r: &mut JsonReader<'_>) -> Result<Vec<u8>, JsonDecodeError> {
        crate::codec::json::collections::read_array(r, |r| r.read_int::<u8>("u8"))
    }

    /// The value of an absent field that has a schema default: the default as the JSON
    /// Schema states it, decoded by `decode`; an absent field without one is an error.
    #[cold]
    pub fn absent_field<S, T>(
        variant: Option<usize>,
        field: &'static str,
        decode: impl FnOnce(&mut JsonReader<'_>) -> Result<T, JsonDecodeError>,
    ) -> Result<T, JsonDecodeError>
    where
        S: crate::schema::SchemaType + 'static,
    {
        let schemas = crate::schema::schemas_for::<S>();
        let Some(default) =
            crate::schema::json::absent_field_default(schemas.model(), variant, field)
        else {
            return Err(JsonDecodeError::MissingField { field });
        };
        let text = default.to_string();
        let mut r = JsonReader::new(text.as_bytes());
        decode(&mut r)
    }

    /// [`absent_field`] for a type that is not `'static` (a borrowing type): its model
    /// comes from its own [`StreamSchema`](crate::StreamSchema) cache. A type whose
    /// schemas cannot be built has no defaults to give: the field is missing.
    pub fn absent_field_of<S, T>(
        variant: Option<usize>,
        field: &'static str,
        decode: impl FnOnce(&mut JsonReader<'_>) -> Result<T, JsonDecodeError>,
    ) -> Result<T, JsonDecodeError>
    where
        S: crate::StreamSchema,
    {
        let Ok(schemas) = S::try_schemas() else {
            return Err(JsonDecodeError::MissingField { field });
        };
        let Some(default) =
            crate::schema::json::absent_field_default(schemas.model(), variant, field)
        else {
            return Err(JsonDecodeError::MissingField { field });
        };
        let text = default.to_string();
        let mut r = JsonReader::new(text.as_bytes());
        decode(&mut r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_format_with_exactly_scale_digits() {
        assert_eq!(format_decimal(-1250, 2), "-12.50");
        assert_eq!(format_decimal(5, 2), "0.05");
        assert_eq!(format_decimal(0, 3), "0.000");
        assert_eq!(format_decimal(-128, 0), "-128");
        assert_eq!(
            format_decimal(i128::MIN, 38),
            "-1.70141183460469231731687303715884105728"
        );
    }

    #[test]
    fn decimals_parse_losslessly_or_not_at_all() {
        assert_eq!(parse_decimal("-12.5", 10, 2), Some(-1250));
        assert_eq!(parse_decimal("0.05", 10, 2), Some(5));
        assert_eq!(parse_decimal("7", 10, 2), Some(700));
        assert_eq!(parse_decimal("1.234", 10, 2), None);
        assert_eq!(parse_decimal("123456789.00", 10, 2), None);
        assert_eq!(parse_decimal("12345678.00", 10, 2), Some(1_234_567_800));
        for bad in ["", "-", ".5", "5.", "1e3", "+1", "1.2.3", " 1"] {
            assert_eq!(parse_decimal(bad, 10, 2), None, "{bad:?}");
        }
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_values_round_trip_and_other_offsets_are_converted_to_utc() {
        use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
        let ts = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let json = ts.to_json_vec().unwrap();
        assert_eq!(json, br#""2023-11-14T22:13:20.123456Z""#);
        assert_eq!(DateTime::<Utc>::decode_json(&json), Ok(ts));
        let mut ms = Vec::new();
        ts.encode_json_millis(&mut ms).unwrap();
        assert_eq!(ms, br#""2023-11-14T22:13:20.123Z""#);
        assert_eq!(
            DateTime::<Utc>::decode_json(br#""2023-11-15T00:13:20.123456+02:00""#),
            Ok(ts)
        );
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(day.to_json_vec().unwrap(), br#""2024-02-29""#);
        assert_eq!(
            NaiveDate::decode_json(br#""2023-02-29""#)
                .map_err(|e| matches!(e, JsonDecodeError::InvalidFormat { format: "date", .. })),
            Err(true)
        );
        let t = NaiveTime::from_hms_micro_opt(1, 2, 3, 4).unwrap();
        assert_eq!(t.to_json_vec().unwrap(), br#""01:02:03.000004Z""#);
        assert_eq!(NaiveTime::decode_json(br#""01:02:03.000004""#), Ok(t));
        let local = NaiveDateTime::new(day, t);
        assert_eq!(
            local.to_json_vec().unwrap(),
            br#""2024-02-29T01:02:03.000004""#
        );
        assert_eq!(
            NaiveDateTime::decode_json(&local.to_json_vec().unwrap()),
            Ok(local)
        );
        let far = NaiveDate::from_ymd_opt(12_000, 1, 1).unwrap();
        assert!(matches!(
            far.to_json_vec(),
            Err(JsonEncodeError::OutOfRange { .. })
        ));
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_crate_values_round_trip() {
        use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};
        let day = Date::from_calendar_date(2024, Month::January, 31).unwrap();
        let p = PrimitiveDateTime::new(day, Time::from_hms_micro(12, 34, 56, 789_012).unwrap());
        let dt = p.assume_offset(UtcOffset::from_hms(1, 0, 0).unwrap());
        let json = dt.to_json_vec().unwrap();
        assert_eq!(json, br#""2024-01-31T11:34:56.789012Z""#);
        assert_eq!(time::OffsetDateTime::decode_json(&json), Ok(dt));
        let p = PrimitiveDateTime::new(day, Time::from_hms_milli(12, 34, 56, 500).unwrap());
        assert_eq!(
            time::PrimitiveDateTime::decode_json(&p.to_json_vec().unwrap()),
            Ok(p)
        );
        assert_eq!(time::Date::decode_json(br#""2024-01-31""#), Ok(p.date()));
        assert_eq!(time::Time::decode_json(br#""12:34:56.5Z""#), Ok(p.time()));
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn uuids_are_lowercase_hyphenated() {
        let u = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let json = u.to_json_vec().unwrap();
        assert_eq!(json, br#""01234567-89ab-cdef-0123-456789abcdef""#);
        assert_eq!(uuid::Uuid::decode_json(&json), Ok(u));
        assert_eq!(
            uuid::Uuid::decode_json(br#""nope""#),
            Err(JsonDecodeError::InvalidFormat {
                format: "uuid",
                value: "nope".into(),
                offset: 0
            })
        );
    }
}
