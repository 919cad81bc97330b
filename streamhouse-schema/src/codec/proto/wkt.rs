//! Logical types: timestamps as `google.protobuf.Timestamp`, UUIDs as their string,
//! dates as `int32` days since 1970-01-01 and times of day as `int64` microseconds since
//! midnight (the Avro `unit` attribute does not change the Protobuf mapping).

#[allow(unused_imports)]
use super::encode_varint;
#[allow(unused_imports)]
use bytes::{Buf, BufMut};
use prost::encoding::{decode_varint, encoded_len_varint};

#[allow(unused_imports)]
use super::{
    check_wire_type, delimited_len, encode_key, invalid, key_len, read_len, write_len,
    DecodeContext, DecodeError, ProtoElement, ProtoValue, WireType,
};

/// The body of a `google.protobuf.Timestamp`: `seconds` (1, int64) and `nanos` (2, int32),
/// zero values omitted.
#[allow(dead_code)]
fn timestamp_body_len(seconds: i64, nanos: i32) -> usize {
    let mut n = 0;
    if seconds != 0 {
        n += 1 + encoded_len_varint(seconds as u64);
    }
    if nanos != 0 {
        n += 1 + encoded_len_varint(nanos as i64 as u64);
    }
    n
}

#[allow(dead_code)]
fn encode_timestamp(seconds: i64, nanos: i32, buf: &mut impl BufMut) {
    write_len(timestamp_body_len(seconds, nanos), buf);
    if seconds != 0 {
        encode_key(1, WireType::Varint, buf);
        encode_varint(seconds as u64, buf);
    }
    if nanos != 0 {
        encode_key(2, WireType::Varint, buf);
        encode_varint(nanos as i64 as u64, buf);
    }
}

/// Merges a Timestamp message into `(seconds, nanos)` and checks the result's range.
#[allow(dead_code)]
fn merge_timestamp(
    mut seconds: i64,
    mut nanos: i32,
    buf: &mut impl Buf,
    ctx: DecodeContext,
) -> Result<(i64, u32), DecodeError> {
    let len = read_len(buf)?;
    let mut body = buf.take(len);
    while body.has_remaining() {
        let (tag, wire_type) = prost::encoding::decode_key(&mut body)?;
        match tag {
            1 => {
                check_wire_type(WireType::Varint, wire_type)?;
                seconds = decode_varint(&mut body)? as i64;
            }
            2 => {
                check_wire_type(WireType::Varint, wire_type)?;
                nanos = decode_varint(&mut body)? as i32;
            }
            _ => prost::encoding::skip_field(wire_type, tag, &mut body, ctx.clone())?,
        }
    }
    checked_nanos(seconds, nanos)
}

/// [`merge_timestamp`] from a contiguous slice (the slice path of `decode_proto`); always
/// inlined in release builds, as its one caller is (see `timestamp_values!`).
#[allow(dead_code)]
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn merge_timestamp_slice(
    mut seconds: i64,
    mut nanos: i32,
    buf: &mut &[u8],
) -> Result<(i64, u32), DecodeError> {
    let mut body = super::slice::read_delimited(buf)?;
    while !body.is_empty() {
        let (tag, wire_type) = super::slice::read_key(&mut body)?;
        match tag {
            1 => {
                check_wire_type(WireType::Varint, wire_type)?;
                seconds = super::slice::read_varint(&mut body)? as i64;
            }
            2 => {
                check_wire_type(WireType::Varint, wire_type)?;
                nanos = super::slice::read_varint(&mut body)? as i32;
            }
            _ => super::slice::skip_field(wire_type, tag, &mut body)?,
        }
    }
    checked_nanos(seconds, nanos)
}

/// Fails unless `nanos` is within a second.
#[allow(dead_code)]
#[inline]
fn checked_nanos(seconds: i64, nanos: i32) -> Result<(i64, u32), DecodeError> {
    match u32::try_from(nanos) {
        Ok(n) if n < 1_000_000_000 => Ok((seconds, n)),
        _ => Err(invalid(format!(
            "Timestamp nanos {nanos} is outside 0..=999999999"
        ))),
    }
}

/// Values carried as a `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix
/// epoch (a local date-time as the same wall-clock time in UTC).
#[allow(dead_code)]
trait TimestampParts: Sized {
    fn parts(&self) -> (i64, u32);
    fn from_parts(seconds: i64, nanos: u32) -> Result<Self, DecodeError>;
    fn epoch() -> Self;
}

/// Values carried as `int32` days since 1970-01-01.
#[allow(dead_code)]
trait EpochDays: Sized {
    fn days(&self) -> i32;
    fn from_days(days: i32) -> Option<Self>;
    fn epoch() -> Self;
}

/// Values carried as `int64` microseconds since midnight.
#[allow(dead_code)]
trait MicrosOfDay: Sized {
    fn micros(&self) -> i64;
    fn from_micros(micros: i64) -> Option<Self>;
    fn midnight() -> Self;
}

/// One `ProtoValue` for every `TimestampParts` type.
#[allow(unused_macros)]
macro_rules! timestamp_values {
    ($($t:ty),*) => {$(
        impl ProtoValue for $t {
            const WIRE_TYPE: WireType = WireType::LengthDelimited;
            #[inline]
            fn encode_value(&self, buf: &mut impl BufMut) {
                let (seconds, nanos) = self.parts();
                encode_timestamp(seconds, nanos as i32, buf)
            }
            #[inline]
            fn value_len(&self) -> usize {
                let (seconds, nanos) = self.parts();
                delimited_len(timestamp_body_len(seconds, nanos as i32))
            }
            fn merge_value(
                &mut self,
                buf: &mut impl Buf,
                ctx: DecodeContext,
            ) -> Result<(), DecodeError> {
                let (seconds, nanos) = self.parts();
                let (s, n) = merge_timestamp(seconds, nanos as i32, buf, ctx)?;
                *self = <$t as TimestampParts>::from_parts(s, n)?;
                Ok(())
            }
            // Always inlined in release builds (with `merge_timestamp_slice`): with a
            // borrowing message reading the same type, LLVM otherwise outlines them, and the
            // owned Order's decode paid the calls (+47 instructions a message, callgrind).
            #[cfg_attr(debug_assertions, inline)]
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn merge_value_slice(&mut self, buf: &mut &[u8], _: u32) -> Result<(), DecodeError> {
                let (seconds, nanos) = self.parts();
                let (s, n) = merge_timestamp_slice(seconds, nanos as i32, buf)?;
                *self = <$t as TimestampParts>::from_parts(s, n)?;
                Ok(())
            }
            #[inline]
            fn is_default(&self) -> bool {
                // A message: always written when the field is.
                false
            }
            #[inline]
            fn proto_default() -> Self {
                <$t as TimestampParts>::epoch()
            }
        }
        impl ProtoElement for $t {}
    )*};
}

/// One `ProtoValue` for every `EpochDays` type.
#[allow(unused_macros)]
macro_rules! epoch_day_values {
    ($($t:ty),*) => {$(
        impl ProtoValue for $t {
            const WIRE_TYPE: WireType = WireType::Varint;
            #[inline]
            fn encode_value(&self, buf: &mut impl BufMut) {
                encode_varint(self.days() as i64 as u64, buf)
            }
            #[inline]
            fn value_len(&self) -> usize {
                encoded_len_varint(self.days() as i64 as u64)
            }
            fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
                let days = decode_varint(buf)? as i32;
                *self = <$t as EpochDays>::from_days(days).ok_or_else(|| {
                    invalid(format!("date {days} days from 1970-01-01 is out of range"))
                })?;
                Ok(())
            }
            #[inline]
            fn is_default(&self) -> bool {
                self.days() == 0
            }
            #[inline]
            fn proto_default() -> Self {
                <$t as EpochDays>::epoch()
            }
        }
        impl ProtoElement for $t {
            const PACKED: bool = true;
        }
    )*};
}

/// One `ProtoValue` for every `MicrosOfDay` type.
#[allow(unused_macros)]
macro_rules! time_of_day_values {
    ($($t:ty),*) => {$(
        impl ProtoValue for $t {
            const WIRE_TYPE: WireType = WireType::Varint;
            #[inline]
            fn encode_value(&self, buf: &mut impl BufMut) {
                encode_varint(self.micros() as u64, buf)
            }
            #[inline]
            fn value_len(&self) -> usize {
                encoded_len_varint(self.micros() as u64)
            }
            fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
                let micros = decode_varint(buf)? as i64;
                *self = <$t as MicrosOfDay>::from_micros(micros)
                    .ok_or_else(|| invalid(format!("time of day {micros} µs is out of range")))?;
                Ok(())
            }
            #[inline]
            fn is_default(&self) -> bool {
                self.micros() == 0
            }
            #[inline]
            fn proto_default() -> Self {
                <$t as MicrosOfDay>::midnight()
            }
        }
        impl ProtoElement for $t {
            const PACKED: bool = true;
        }
    )*};
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::*;
    use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

    impl TimestampParts for DateTime<Utc> {
        fn parts(&self) -> (i64, u32) {
            (self.timestamp(), self.timestamp_subsec_nanos())
        }
        fn from_parts(seconds: i64, nanos: u32) -> Result<Self, DecodeError> {
            DateTime::from_timestamp(seconds, nanos).ok_or_else(|| {
                invalid(format!(
                    "Timestamp {seconds}s {nanos}ns is outside the range chrono supports"
                ))
            })
        }
        fn epoch() -> Self {
            DateTime::UNIX_EPOCH
        }
    }

    /// A local date-time is carried as a Timestamp of the same wall-clock time in UTC.
    impl TimestampParts for NaiveDateTime {
        fn parts(&self) -> (i64, u32) {
            self.and_utc().parts()
        }
        fn from_parts(seconds: i64, nanos: u32) -> Result<Self, DecodeError> {
            DateTime::<Utc>::from_parts(seconds, nanos).map(|utc| utc.naive_utc())
        }
        fn epoch() -> Self {
            DateTime::UNIX_EPOCH.naive_utc()
        }
    }

    const EPOCH_DAYS_FROM_CE: i32 = 719_163;

    impl EpochDays for NaiveDate {
        fn days(&self) -> i32 {
            self.num_days_from_ce() - EPOCH_DAYS_FROM_CE
        }
        fn from_days(days: i32) -> Option<Self> {
            days.checked_add(EPOCH_DAYS_FROM_CE)
                .and_then(NaiveDate::from_num_days_from_ce_opt)
        }
        fn epoch() -> Self {
            DateTime::UNIX_EPOCH.date_naive()
        }
    }

    impl MicrosOfDay for NaiveTime {
        fn micros(&self) -> i64 {
            // Leap-second nanos (>= 1e9) are clamped into the last microsecond of the second.
            i64::from(self.num_seconds_from_midnight()) * 1_000_000
                + i64::from(self.nanosecond().min(999_999_999) / 1_000)
        }
        fn from_micros(micros: i64) -> Option<Self> {
            let secs = u32::try_from(micros.div_euclid(1_000_000)).ok()?;
            let nanos = (micros.rem_euclid(1_000_000) * 1_000) as u32;
            NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
        }
        fn midnight() -> Self {
            NaiveTime::MIN
        }
    }

    timestamp_values!(DateTime<Utc>, NaiveDateTime);
    epoch_day_values!(NaiveDate);
    time_of_day_values!(NaiveTime);
}

#[cfg(feature = "time")]
mod time_impls {
    //! The `time` crate's types, mapped exactly as chrono's.
    use super::*;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    /// The Julian day number of 1970-01-01.
    const EPOCH_JULIAN_DAY: i32 = 2_440_588;

    impl TimestampParts for OffsetDateTime {
        fn parts(&self) -> (i64, u32) {
            (self.unix_timestamp(), self.nanosecond())
        }
        fn from_parts(seconds: i64, nanos: u32) -> Result<Self, DecodeError> {
            let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
            OffsetDateTime::from_unix_timestamp_nanos(total).map_err(|_| {
                invalid(format!(
                    "Timestamp {seconds}s {nanos}ns is outside the range the time crate supports"
                ))
            })
        }
        fn epoch() -> Self {
            OffsetDateTime::UNIX_EPOCH
        }
    }

    /// A local date-time is carried as a Timestamp of the same wall-clock time in UTC.
    impl TimestampParts for PrimitiveDateTime {
        fn parts(&self) -> (i64, u32) {
            self.assume_utc().parts()
        }
        fn from_parts(seconds: i64, nanos: u32) -> Result<Self, DecodeError> {
            let utc = OffsetDateTime::from_parts(seconds, nanos)?.to_offset(UtcOffset::UTC);
            Ok(PrimitiveDateTime::new(utc.date(), utc.time()))
        }
        fn epoch() -> Self {
            PrimitiveDateTime::new(
                OffsetDateTime::UNIX_EPOCH.date(),
                OffsetDateTime::UNIX_EPOCH.time(),
            )
        }
    }

    impl EpochDays for Date {
        fn days(&self) -> i32 {
            self.to_julian_day() - EPOCH_JULIAN_DAY
        }
        fn from_days(days: i32) -> Option<Self> {
            days.checked_add(EPOCH_JULIAN_DAY)
                .and_then(|j| Date::from_julian_day(j).ok())
        }
        fn epoch() -> Self {
            OffsetDateTime::UNIX_EPOCH.date()
        }
    }

    impl MicrosOfDay for Time {
        fn micros(&self) -> i64 {
            let (h, m, s, micro) = self.as_hms_micro();
            (i64::from(h) * 3_600 + i64::from(m) * 60 + i64::from(s)) * 1_000_000 + i64::from(micro)
        }
        fn from_micros(micros: i64) -> Option<Self> {
            if !(0..86_400_000_000).contains(&micros) {
                return None;
            }
            let secs = micros / 1_000_000;
            Time::from_hms_micro(
                (secs / 3_600) as u8,
                (secs / 60 % 60) as u8,
                (secs % 60) as u8,
                (micros % 1_000_000) as u32,
            )
            .ok()
        }
        fn midnight() -> Self {
            Time::MIDNIGHT
        }
    }

    timestamp_values!(OffsetDateTime, PrimitiveDateTime);
    epoch_day_values!(Date);
    time_of_day_values!(Time);

    #[cfg(all(test, feature = "chrono"))]
    mod tests {
        use super::*;

        fn bytes<T: ProtoValue>(v: &T) -> Vec<u8> {
            let mut out = Vec::new();
            v.encode_value(&mut out);
            assert_eq!(out.len(), v.value_len());
            out
        }

        fn back<T: ProtoValue>(b: &[u8]) -> Result<T, DecodeError> {
            let mut v = T::proto_default();
            v.merge_value(&mut &b[..], DecodeContext::default())?;
            Ok(v)
        }

        #[test]
        fn time_crate_values_encode_as_chrono_does_and_round_trip() {
            let micros = 1_764_000_000_123_456_i64;
            let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
                .unwrap()
                .to_offset(UtcOffset::from_hms(2, 0, 0).unwrap());
            let c = chrono::DateTime::from_timestamp_micros(micros).unwrap();
            assert_eq!(bytes(&t), bytes(&c), "the same instant, the same Timestamp");
            assert_eq!(back::<OffsetDateTime>(&bytes(&t)).unwrap(), t);

            let p = PrimitiveDateTime::new(t.date(), t.time());
            assert_eq!(
                bytes(&p),
                bytes(
                    &c.naive_utc()
                        .checked_add_signed(chrono::TimeDelta::hours(2))
                        .unwrap()
                )
            );
            assert_eq!(back::<PrimitiveDateTime>(&bytes(&p)).unwrap(), p);

            for (date, naive) in [
                (
                    Date::from_calendar_date(1969, time::Month::December, 31).unwrap(),
                    chrono::NaiveDate::from_ymd_opt(1969, 12, 31).unwrap(),
                ),
                (
                    Date::from_calendar_date(2026, time::Month::November, 27).unwrap(),
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
                ),
            ] {
                assert_eq!(bytes(&date), bytes(&naive));
                assert_eq!(back::<Date>(&bytes(&date)).unwrap(), date);
            }

            let tod = Time::from_hms_micro(23, 59, 58, 999_999).unwrap();
            let naive = chrono::NaiveTime::from_hms_micro_opt(23, 59, 58, 999_999).unwrap();
            assert_eq!(bytes(&tod), bytes(&naive));
            assert_eq!(back::<Time>(&bytes(&tod)).unwrap(), tod);
        }

        #[test]
        fn out_of_range_values_are_errors() {
            let mut day = Vec::new();
            encode_varint(86_400_000_000, &mut day);
            assert!(back::<Time>(&day).is_err());
            let mut far = Vec::new();
            encode_varint(i32::MAX as u64, &mut far);
            assert!(back::<Date>(&far).is_err());
        }
    }
}

#[cfg(feature = "rust_decimal")]
mod decimal_impls {
    //! `rust_decimal::Decimal` as its exact decimal text in a `string` (Protobuf has no
    //! decimal scalar; the text keeps every digit and the scale, e.g. `"12.50"`).
    use super::*;
    use rust_decimal::Decimal;

    /// The longest text a `Decimal` prints: 29 digits, a sign and a point.
    const MAX_TEXT: usize = 32;

    /// Writes the decimal's text into a stack buffer (no allocation on the encode path).
    fn text(d: &Decimal, out: &mut [u8; MAX_TEXT]) -> usize {
        use std::io::Write;
        let mut cursor = std::io::Cursor::new(&mut out[..]);
        // Cannot fail: MAX_TEXT bytes hold every Decimal's text.
        let _ = write!(cursor, "{d}");
        cursor.position() as usize
    }

    impl ProtoValue for Decimal {
        const WIRE_TYPE: WireType = WireType::LengthDelimited;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            let mut t = [0u8; MAX_TEXT];
            let n = text(self, &mut t);
            write_len(n, buf);
            buf.put_slice(t.get(..n).unwrap_or_default());
        }
        #[inline]
        fn value_len(&self) -> usize {
            delimited_len(text(self, &mut [0u8; MAX_TEXT]))
        }
        fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
            let len = read_len(buf)?;
            let mut raw = vec![0u8; len];
            buf.copy_to_slice(&mut raw);
            let s = std::str::from_utf8(&raw)
                .map_err(|_| invalid("decimal text is not UTF-8".to_string()))?;
            *self = Decimal::from_str_exact(s)
                .map_err(|e| invalid(format!("invalid decimal text {s:?}: {e}")))?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            // Always written, like a message: "" would not read back as a number.
            false
        }
        #[inline]
        fn proto_default() -> Self {
            Decimal::ZERO
        }
    }
    impl ProtoElement for Decimal {}

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn decimals_travel_as_their_exact_text() {
            for text_form in [
                "0",
                "12.50",
                "-0.001",
                "79228162514264337593543950335",
                "-7.9228162514264337593543950335",
            ] {
                let d = Decimal::from_str_exact(text_form).unwrap();
                let mut bytes = Vec::new();
                d.encode_value(&mut bytes);
                assert_eq!(bytes.len(), d.value_len());
                assert_eq!(&bytes[1..], text_form.as_bytes());
                let mut back = Decimal::ZERO;
                back.merge_value(&mut &bytes[..], DecodeContext::default())
                    .unwrap();
                assert_eq!(back, d);
                assert_eq!(back.scale(), d.scale(), "the scale survives");
            }
            let mut bad = Vec::new();
            write_len(3, &mut bad);
            bad.extend_from_slice(b"1x2");
            let mut back = Decimal::ZERO;
            assert!(back
                .merge_value(&mut &bad[..], DecodeContext::default())
                .is_err());
        }
    }
}

#[cfg(feature = "uuid")]
mod uuid_impls {
    use super::*;

    /// The 36-character hyphenated lowercase form, as a `string`.
    impl ProtoValue for uuid::Uuid {
        const WIRE_TYPE: WireType = WireType::LengthDelimited;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
            let s = self.hyphenated().encode_lower(&mut text);
            write_len(s.len(), buf);
            buf.put_slice(s.as_bytes());
        }
        #[inline]
        fn value_len(&self) -> usize {
            delimited_len(uuid::fmt::Hyphenated::LENGTH)
        }
        fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
            let len = read_len(buf)?;
            let mut text = vec![0u8; len];
            buf.copy_to_slice(&mut text);
            *self = uuid::Uuid::try_parse_ascii(&text)
                .map_err(|e| invalid(format!("invalid uuid string: {e}")))?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            // Always written: an empty string would not parse back as a uuid.
            false
        }
        #[inline]
        fn proto_default() -> Self {
            uuid::Uuid::nil()
        }
    }
    impl ProtoElement for uuid::Uuid {}
}
