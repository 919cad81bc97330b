//! Logical types: timestamps as `google.protobuf.Timestamp`, UUIDs as their string,
//! dates as `int32` days since 1970-01-01 and times of day as `int64` microseconds since
//! midnight (the Avro `unit` attribute does not change the Protobuf mapping).

#[allow(unused_imports)]
use bytes::{Buf, BufMut};
#[allow(unused_imports)]
use prost::encoding::{decode_varint, encode_varint, encoded_len_varint};

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
    match u32::try_from(nanos) {
        Ok(n) if n < 1_000_000_000 => Ok((seconds, n)),
        _ => Err(invalid(format!(
            "Timestamp nanos {nanos} is outside 0..=999999999"
        ))),
    }
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::*;
    use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

    fn from_parts(seconds: i64, nanos: u32) -> Result<DateTime<Utc>, DecodeError> {
        DateTime::from_timestamp(seconds, nanos).ok_or_else(|| {
            invalid(format!(
                "Timestamp {seconds}s {nanos}ns is outside the range chrono supports"
            ))
        })
    }

    impl ProtoValue for DateTime<Utc> {
        const WIRE_TYPE: WireType = WireType::LengthDelimited;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            encode_timestamp(self.timestamp(), self.timestamp_subsec_nanos() as i32, buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            delimited_len(timestamp_body_len(
                self.timestamp(),
                self.timestamp_subsec_nanos() as i32,
            ))
        }
        fn merge_value(
            &mut self,
            buf: &mut impl Buf,
            ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let (s, n) = merge_timestamp(
                self.timestamp(),
                self.timestamp_subsec_nanos() as i32,
                buf,
                ctx,
            )?;
            *self = from_parts(s, n)?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            // A message: always written when the field is.
            false
        }
        #[inline]
        fn proto_default() -> Self {
            DateTime::UNIX_EPOCH
        }
    }
    impl ProtoElement for DateTime<Utc> {}

    /// A local date-time is carried as a Timestamp of the same wall-clock time in UTC.
    impl ProtoValue for NaiveDateTime {
        const WIRE_TYPE: WireType = WireType::LengthDelimited;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            self.and_utc().encode_value(buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            self.and_utc().value_len()
        }
        fn merge_value(
            &mut self,
            buf: &mut impl Buf,
            ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let mut utc = self.and_utc();
            utc.merge_value(buf, ctx)?;
            *self = utc.naive_utc();
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            false
        }
        #[inline]
        fn proto_default() -> Self {
            DateTime::UNIX_EPOCH.naive_utc()
        }
    }
    impl ProtoElement for NaiveDateTime {}

    const EPOCH_DAYS_FROM_CE: i32 = 719_163;

    /// `int32` days since 1970-01-01.
    impl ProtoValue for NaiveDate {
        const WIRE_TYPE: WireType = WireType::Varint;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            let days = self.num_days_from_ce_() - EPOCH_DAYS_FROM_CE;
            encode_varint(days as i64 as u64, buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            encoded_len_varint((self.num_days_from_ce_() - EPOCH_DAYS_FROM_CE) as i64 as u64)
        }
        fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
            let days = decode_varint(buf)? as i32;
            *self = days
                .checked_add(EPOCH_DAYS_FROM_CE)
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| {
                    invalid(format!("date {days} days from 1970-01-01 is out of range"))
                })?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            self.num_days_from_ce_() == EPOCH_DAYS_FROM_CE
        }
        #[inline]
        fn proto_default() -> Self {
            DateTime::UNIX_EPOCH.date_naive()
        }
    }
    impl ProtoElement for NaiveDate {
        const PACKED: bool = true;
    }

    trait DaysFromCe {
        fn num_days_from_ce_(&self) -> i32;
    }
    impl DaysFromCe for NaiveDate {
        fn num_days_from_ce_(&self) -> i32 {
            chrono::Datelike::num_days_from_ce(self)
        }
    }

    fn micros_of_day(t: &NaiveTime) -> i64 {
        // Leap-second nanos (>= 1e9) are clamped into the last microsecond of the second.
        i64::from(t.num_seconds_from_midnight()) * 1_000_000
            + i64::from(t.nanosecond().min(999_999_999) / 1_000)
    }

    /// `int64` microseconds since midnight.
    impl ProtoValue for NaiveTime {
        const WIRE_TYPE: WireType = WireType::Varint;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            encode_varint(micros_of_day(self) as u64, buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            encoded_len_varint(micros_of_day(self) as u64)
        }
        fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
            let micros = decode_varint(buf)? as i64;
            let secs = u32::try_from(micros.div_euclid(1_000_000)).ok();
            let nanos = (micros.rem_euclid(1_000_000) * 1_000) as u32;
            *self = secs
                .and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, nanos))
                .ok_or_else(|| invalid(format!("time of day {micros} µs is out of range")))?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            micros_of_day(self) == 0
        }
        #[inline]
        fn proto_default() -> Self {
            NaiveTime::MIN
        }
    }
    impl ProtoElement for NaiveTime {
        const PACKED: bool = true;
    }
}

#[cfg(feature = "time")]
mod time_impls {
    //! The `time` crate's types, mapped exactly as chrono's: an instant as a Timestamp, a
    //! local date-time as the Timestamp of the same wall-clock time in UTC, a date as `int32`
    //! days since 1970-01-01, a time of day as `int64` microseconds since midnight.
    use super::*;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    /// The Julian day number of 1970-01-01.
    const EPOCH_JULIAN_DAY: i32 = 2_440_588;

    fn from_parts(seconds: i64, nanos: u32) -> Result<OffsetDateTime, DecodeError> {
        let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        OffsetDateTime::from_unix_timestamp_nanos(total).map_err(|_| {
            invalid(format!(
                "Timestamp {seconds}s {nanos}ns is outside the range the time crate supports"
            ))
        })
    }

    impl ProtoValue for OffsetDateTime {
        const WIRE_TYPE: WireType = WireType::LengthDelimited;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            encode_timestamp(self.unix_timestamp(), self.nanosecond() as i32, buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            delimited_len(timestamp_body_len(
                self.unix_timestamp(),
                self.nanosecond() as i32,
            ))
        }
        fn merge_value(
            &mut self,
            buf: &mut impl Buf,
            ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let (s, n) =
                merge_timestamp(self.unix_timestamp(), self.nanosecond() as i32, buf, ctx)?;
            *self = from_parts(s, n)?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            // A message: always written when the field is.
            false
        }
        #[inline]
        fn proto_default() -> Self {
            OffsetDateTime::UNIX_EPOCH
        }
    }
    impl ProtoElement for OffsetDateTime {}

    impl ProtoValue for PrimitiveDateTime {
        const WIRE_TYPE: WireType = WireType::LengthDelimited;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            self.assume_utc().encode_value(buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            self.assume_utc().value_len()
        }
        fn merge_value(
            &mut self,
            buf: &mut impl Buf,
            ctx: DecodeContext,
        ) -> Result<(), DecodeError> {
            let mut utc = self.assume_utc();
            utc.merge_value(buf, ctx)?;
            let utc = utc.to_offset(UtcOffset::UTC);
            *self = PrimitiveDateTime::new(utc.date(), utc.time());
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            false
        }
        #[inline]
        fn proto_default() -> Self {
            PrimitiveDateTime::new(
                OffsetDateTime::UNIX_EPOCH.date(),
                OffsetDateTime::UNIX_EPOCH.time(),
            )
        }
    }
    impl ProtoElement for PrimitiveDateTime {}

    fn days(d: &Date) -> i32 {
        d.to_julian_day() - EPOCH_JULIAN_DAY
    }

    /// `int32` days since 1970-01-01.
    impl ProtoValue for Date {
        const WIRE_TYPE: WireType = WireType::Varint;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            encode_varint(days(self) as i64 as u64, buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            encoded_len_varint(days(self) as i64 as u64)
        }
        fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
            let d = decode_varint(buf)? as i32;
            *self = d
                .checked_add(EPOCH_JULIAN_DAY)
                .and_then(|j| Date::from_julian_day(j).ok())
                .ok_or_else(|| invalid(format!("date {d} days from 1970-01-01 is out of range")))?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            days(self) == 0
        }
        #[inline]
        fn proto_default() -> Self {
            OffsetDateTime::UNIX_EPOCH.date()
        }
    }
    impl ProtoElement for Date {
        const PACKED: bool = true;
    }

    fn micros_of_day(t: &Time) -> i64 {
        let (h, m, s, micro) = t.as_hms_micro();
        (i64::from(h) * 3_600 + i64::from(m) * 60 + i64::from(s)) * 1_000_000 + i64::from(micro)
    }

    /// `int64` microseconds since midnight.
    impl ProtoValue for Time {
        const WIRE_TYPE: WireType = WireType::Varint;
        #[inline]
        fn encode_value(&self, buf: &mut impl BufMut) {
            encode_varint(micros_of_day(self) as u64, buf)
        }
        #[inline]
        fn value_len(&self) -> usize {
            encoded_len_varint(micros_of_day(self) as u64)
        }
        fn merge_value(&mut self, buf: &mut impl Buf, _: DecodeContext) -> Result<(), DecodeError> {
            let micros = decode_varint(buf)? as i64;
            let out_of_range = || invalid(format!("time of day {micros} µs is out of range"));
            if !(0..86_400_000_000).contains(&micros) {
                return Err(out_of_range());
            }
            let secs = micros / 1_000_000;
            let (h, m, s) = (secs / 3_600, secs / 60 % 60, secs % 60);
            let micro = micros % 1_000_000;
            *self = Time::from_hms_micro(h as u8, m as u8, s as u8, micro as u32)
                .map_err(|_| out_of_range())?;
            Ok(())
        }
        #[inline]
        fn is_default(&self) -> bool {
            micros_of_day(self) == 0
        }
        #[inline]
        fn proto_default() -> Self {
            Time::MIDNIGHT
        }
    }
    impl ProtoElement for Time {
        const PACKED: bool = true;
    }

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
