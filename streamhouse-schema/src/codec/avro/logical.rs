//! Logical types: uuid, dates, times, timestamps, decimals, and wide integers that need an
//! explicit mapping.

use bytes::BufMut;

#[cfg(any(feature = "chrono", feature = "time"))]
use super::varint::read_int;
use super::varint::{read_array, read_bytes, read_exact, read_long, write_bytes, write_long};
#[allow(unused_imports)]
use super::{AvroDecode, AvroEncode, DecodeError, EncodeError};
use crate::schema::model::{IntKind, ModelBuilder, Ty};

/// Types with a millisecond form besides their default microsecond one
/// (`#[stream_schema(unit = "millis")]`): timestamps and times of day.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no millisecond mapping",
    note = "unit = \"millis\" applies to timestamps and times of day (chrono, time)"
)]
pub trait TemporalUnitCodec: Sized {
    /// The millisecond logical type.
    fn describe_millis() -> Ty;
    /// Writes the value in milliseconds (sub-millisecond digits are dropped).
    fn encode_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError>;
    /// Reads a millisecond value.
    fn decode_millis(input: &mut &[u8]) -> Result<Self, DecodeError>;
}

/// Decimal numbers (`#[stream_schema(decimal(precision = P, scale = S))]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a decimal type",
    note = "decimal(...) applies to rust_decimal::Decimal (feature `rust_decimal`)"
)]
pub trait DecimalCodec: Sized {
    /// The unscaled value at `scale`, checked against `precision`.
    fn unscaled(&self, precision: u32, scale: u32) -> Result<i128, EncodeError>;
    /// The value of `unscaled` at `scale`.
    fn from_unscaled(unscaled: i128, scale: u32) -> Result<Self, DecodeError>;
}

/// Integers wider than Avro's `long` (`#[stream_schema(repr = "long" | "fixed")]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no repr mapping",
    note = "repr = \"long\"/\"fixed\" applies to u64, u128 and i128"
)]
pub trait WideIntCodec: Sized {
    /// The width kind.
    const KIND: IntKind;
    /// Size of the big-endian `fixed` form.
    const FIXED_SIZE: usize;
    /// Converts to `i64`, failing above its range.
    fn to_long(&self) -> Result<i64, EncodeError>;
    /// Converts from `i64`, failing outside this type's range.
    fn from_long(v: i64) -> Result<Self, DecodeError>;
    /// Writes the big-endian fixed form.
    fn encode_fixed<B: BufMut>(&self, buf: &mut B);
    /// Reads the big-endian fixed form.
    fn decode_fixed(input: &mut &[u8]) -> Result<Self, DecodeError>;
}

/// Helpers the derive calls for fields with explicit logical mappings.
pub mod with {
    use super::*;

    /// `repr = "long"` on a wide integer.
    pub fn describe_wide_long<T: WideIntCodec>() -> Ty {
        Ty::Long(T::KIND)
    }
    /// `repr = "fixed"` on a wide integer: a fixed named after the type.
    pub fn describe_wide_fixed<T: WideIntCodec>(b: &mut ModelBuilder) -> Ty {
        let name = match T::KIND {
            IntKind::U64 => "u64",
            IntKind::I128 => "i128",
            _ => "u128",
        };
        Ty::Fixed {
            full_name: b.full_name(name, None),
            size: T::FIXED_SIZE,
        }
    }
    /// Writes a wide integer as a checked `long`.
    #[inline]
    pub fn encode_wide_long<T: WideIntCodec, B: BufMut>(
        v: &T,
        buf: &mut B,
    ) -> Result<(), EncodeError> {
        write_long(buf, v.to_long()?);
        Ok(())
    }
    /// Reads a wide integer from a `long`.
    #[inline]
    pub fn decode_wide_long<T: WideIntCodec>(input: &mut &[u8]) -> Result<T, DecodeError> {
        T::from_long(read_long(input)?)
    }
    /// Writes a wide integer as its fixed form.
    #[inline]
    pub fn encode_wide_fixed<T: WideIntCodec, B: BufMut>(
        v: &T,
        buf: &mut B,
    ) -> Result<(), EncodeError> {
        v.encode_fixed(buf);
        Ok(())
    }
    /// Reads a wide integer's fixed form.
    #[inline]
    pub fn decode_wide_fixed<T: WideIntCodec>(input: &mut &[u8]) -> Result<T, DecodeError> {
        T::decode_fixed(input)
    }

    /// Writes a decimal as Avro `bytes`: the unscaled value in the fewest big-endian two's
    /// complement bytes that hold its magnitude plus a sign bit (what fastavro writes).
    pub fn encode_decimal_bytes<T: DecimalCodec, B: BufMut>(
        v: &T,
        precision: u32,
        scale: u32,
        buf: &mut B,
    ) -> Result<(), EncodeError> {
        let unscaled = v.unscaled(precision, scale)?;
        let bits = 128 - unscaled.unsigned_abs().leading_zeros() as usize + 1;
        let len = bits.div_ceil(8);
        let be = unscaled.to_be_bytes();
        write_bytes(buf, &be[16 - len..]);
        Ok(())
    }

    /// Reads a decimal from Avro `bytes`, refusing more digits than `precision` (what the
    /// encoder refuses too, so every decoded value can be written back).
    pub fn decode_decimal_bytes<T: DecimalCodec>(
        precision: u32,
        scale: u32,
        input: &mut &[u8],
    ) -> Result<T, DecodeError> {
        let unscaled = within_precision(twos_complement(read_bytes(input)?)?, precision, scale)?;
        T::from_unscaled(unscaled, scale)
    }

    /// Writes a decimal as a `fixed` of `size` bytes, sign-extended.
    pub fn encode_decimal_fixed<T: DecimalCodec, B: BufMut>(
        v: &T,
        precision: u32,
        scale: u32,
        size: usize,
        buf: &mut B,
    ) -> Result<(), EncodeError> {
        let unscaled = v.unscaled(precision, scale)?;
        let be = unscaled.to_be_bytes();
        let fill = if unscaled < 0 { 0xff } else { 0 };
        if size >= 16 {
            buf.put_bytes(fill, size - 16);
            buf.put_slice(&be);
            return Ok(());
        }
        let (head, tail) = be.split_at(16 - size);
        let sign_ok = tail
            .first()
            .is_none_or(|b| (b & 0x80 != 0) == (unscaled < 0));
        if head.iter().any(|&b| b != fill) || !sign_ok {
            return Err(EncodeError::InvalidValue(format!(
                "decimal unscaled value {unscaled} does not fit fixed({size})"
            )));
        }
        buf.put_slice(tail);
        Ok(())
    }

    /// Reads a decimal from a `fixed` of `size` bytes, refusing more digits than
    /// `precision`.
    pub fn decode_decimal_fixed<T: DecimalCodec>(
        precision: u32,
        scale: u32,
        size: usize,
        input: &mut &[u8],
    ) -> Result<T, DecodeError> {
        let unscaled =
            within_precision(twos_complement(read_exact(input, size)?)?, precision, scale)?;
        T::from_unscaled(unscaled, scale)
    }

    /// `unscaled` when it has at most `precision` digits, the schema's own bound.
    fn within_precision(unscaled: i128, precision: u32, scale: u32) -> Result<i128, DecodeError> {
        let limit = 10u128.checked_pow(precision).unwrap_or(u128::MAX);
        if unscaled.unsigned_abs() >= limit {
            return Err(DecodeError::InvalidValue(format!(
                "decimal {unscaled}e-{scale} has more than the schema's {precision} digits"
            )));
        }
        Ok(unscaled)
    }

    /// A big-endian two's complement integer of any length that fits `i128`.
    fn twos_complement(bytes: &[u8]) -> Result<i128, DecodeError> {
        let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
        let fill = if negative { 0xff } else { 0 };
        let skip = bytes.len().saturating_sub(16);
        if bytes[..skip].iter().any(|&b| b != fill) {
            return Err(DecodeError::InvalidValue(
                "decimal wider than 128 bits".into(),
            ));
        }
        let mut be = [fill; 16];
        let rest = &bytes[skip..];
        be[16 - rest.len()..].copy_from_slice(rest);
        Ok(i128::from_be_bytes(be))
    }
}

macro_rules! wide {
    ($t:ty, $kind:ident, $size:literal) => {
        impl WideIntCodec for $t {
            const KIND: IntKind = IntKind::$kind;
            const FIXED_SIZE: usize = $size;
            #[inline]
            fn to_long(&self) -> Result<i64, EncodeError> {
                i64::try_from(*self).map_err(|_| EncodeError::IntOverflow {
                    value: self.to_string(),
                    target: "long",
                })
            }
            #[inline]
            fn from_long(v: i64) -> Result<Self, DecodeError> {
                <$t>::try_from(v).map_err(|_| DecodeError::IntOutOfRange {
                    value: v,
                    target: stringify!($t),
                })
            }
            #[inline]
            fn encode_fixed<B: BufMut>(&self, buf: &mut B) {
                buf.put_slice(&self.to_be_bytes());
            }
            #[inline]
            fn decode_fixed(input: &mut &[u8]) -> Result<Self, DecodeError> {
                Ok(<$t>::from_be_bytes(read_array(input)?))
            }
        }
    };
}
wide!(u64, U64, 8);
wide!(u128, U128, 16);
wide!(i128, I128, 16);

#[cfg(feature = "uuid")]
impl AvroEncode for uuid::Uuid {
    #[inline]
    fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        write_bytes(buf, self.hyphenated().encode_lower(&mut text).as_bytes());
        Ok(())
    }
}
#[cfg(feature = "uuid")]
impl AvroDecode for uuid::Uuid {
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
        let s = super::varint::read_str(input)?;
        uuid::Uuid::parse_str(s).map_err(|e| DecodeError::InvalidValue(format!("uuid {s:?}: {e}")))
    }
}

#[cfg(feature = "chrono")]
mod chrono_impls {
    use super::*;
    use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

    const MICROS_PER_DAY: i64 = 86_400_000_000;
    /// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
    const CE_DAYS_TO_EPOCH: i64 = 719_163;

    fn bad(what: &str, v: i64) -> DecodeError {
        DecodeError::InvalidValue(format!("{what} {v} is out of range"))
    }

    impl AvroEncode for DateTime<Utc> {
        #[inline]
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, self.timestamp_micros());
            Ok(())
        }
    }
    impl AvroDecode for DateTime<Utc> {
        #[cfg_attr(debug_assertions, inline)]
        #[cfg_attr(not(debug_assertions), inline(always))]
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let v = read_long(input)?;
            DateTime::from_timestamp_micros(v).ok_or_else(|| bad("timestamp-micros", v))
        }
    }
    impl TemporalUnitCodec for DateTime<Utc> {
        fn describe_millis() -> Ty {
            Ty::TimestampMillis
        }
        #[inline]
        fn encode_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, self.timestamp_millis());
            Ok(())
        }
        #[inline]
        fn decode_millis(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let v = read_long(input)?;
            DateTime::from_timestamp_millis(v).ok_or_else(|| bad("timestamp-millis", v))
        }
    }

    impl AvroEncode for NaiveDateTime {
        #[inline]
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, self.and_utc().timestamp_micros());
            Ok(())
        }
    }
    impl AvroDecode for NaiveDateTime {
        #[cfg_attr(debug_assertions, inline)]
        #[cfg_attr(not(debug_assertions), inline(always))]
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let v = read_long(input)?;
            DateTime::from_timestamp_micros(v)
                .map(|d| d.naive_utc())
                .ok_or_else(|| bad("local-timestamp-micros", v))
        }
    }
    impl TemporalUnitCodec for NaiveDateTime {
        fn describe_millis() -> Ty {
            Ty::LocalTimestampMillis
        }
        #[inline]
        fn encode_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, self.and_utc().timestamp_millis());
            Ok(())
        }
        #[inline]
        fn decode_millis(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let v = read_long(input)?;
            DateTime::from_timestamp_millis(v)
                .map(|d| d.naive_utc())
                .ok_or_else(|| bad("local-timestamp-millis", v))
        }
    }

    impl AvroEncode for NaiveDate {
        #[inline]
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            // chrono's dates span +-262,143 years: the day count always fits an Avro int.
            write_long(
                buf,
                i64::from(self.num_days_from_ce_checked()) - CE_DAYS_TO_EPOCH,
            );
            Ok(())
        }
    }
    impl AvroDecode for NaiveDate {
        #[cfg_attr(debug_assertions, inline)]
        #[cfg_attr(not(debug_assertions), inline(always))]
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let v = read_int(input)?;
            i32::try_from(i64::from(v) + CE_DAYS_TO_EPOCH)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| bad("date", i64::from(v)))
        }
    }

    trait DaysFromCe {
        fn num_days_from_ce_checked(&self) -> i32;
    }
    impl DaysFromCe for NaiveDate {
        fn num_days_from_ce_checked(&self) -> i32 {
            chrono::Datelike::num_days_from_ce(self)
        }
    }

    fn micros_of_day(t: &NaiveTime) -> i64 {
        // A leap second (nanosecond >= 1e9) is folded into the last microsecond of its second.
        let sub = i64::from(t.nanosecond().min(999_999_999)) / 1000;
        i64::from(t.num_seconds_from_midnight()) * 1_000_000 + sub
    }
    fn time_from_micros(v: i64) -> Result<NaiveTime, DecodeError> {
        if !(0..MICROS_PER_DAY).contains(&v) {
            return Err(bad("time of day", v));
        }
        NaiveTime::from_num_seconds_from_midnight_opt(
            (v / 1_000_000) as u32,
            ((v % 1_000_000) * 1000) as u32,
        )
        .ok_or_else(|| bad("time of day", v))
    }

    impl AvroEncode for NaiveTime {
        #[inline]
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, micros_of_day(self));
            Ok(())
        }
    }
    impl AvroDecode for NaiveTime {
        #[cfg_attr(debug_assertions, inline)]
        #[cfg_attr(not(debug_assertions), inline(always))]
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            time_from_micros(read_long(input)?)
        }
    }
    impl TemporalUnitCodec for NaiveTime {
        fn describe_millis() -> Ty {
            Ty::TimeMillis
        }
        #[inline]
        fn encode_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, micros_of_day(self) / 1000);
            Ok(())
        }
        #[inline]
        fn decode_millis(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let v = i64::from(read_int(input)?);
            time_from_micros(v.saturating_mul(1000))
        }
    }
}

#[cfg(feature = "time")]
mod time_impls {
    use super::*;
    use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

    /// Julian day number of 1970-01-01.
    const EPOCH_JULIAN_DAY: i64 = 2_440_588;

    fn bad(what: &str, v: i64) -> DecodeError {
        DecodeError::InvalidValue(format!("{what} {v} is out of range"))
    }
    fn overflow(v: i128) -> EncodeError {
        EncodeError::IntOverflow {
            value: v.to_string(),
            target: "long",
        }
    }
    fn to_micros(dt: OffsetDateTime) -> Result<i64, EncodeError> {
        let n = dt.unix_timestamp_nanos().div_euclid(1000);
        i64::try_from(n).map_err(|_| overflow(n))
    }
    fn to_millis(dt: OffsetDateTime) -> Result<i64, EncodeError> {
        let n = dt.unix_timestamp_nanos().div_euclid(1_000_000);
        i64::try_from(n).map_err(|_| overflow(n))
    }
    fn from_nanos(v: i64, scale: i128, what: &str) -> Result<OffsetDateTime, DecodeError> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(v) * scale).map_err(|_| bad(what, v))
    }

    impl AvroEncode for OffsetDateTime {
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, to_micros(*self)?);
            Ok(())
        }
    }
    impl AvroDecode for OffsetDateTime {
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            from_nanos(read_long(input)?, 1000, "timestamp-micros")
        }
    }
    impl TemporalUnitCodec for OffsetDateTime {
        fn describe_millis() -> Ty {
            Ty::TimestampMillis
        }
        fn encode_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, to_millis(*self)?);
            Ok(())
        }
        fn decode_millis(input: &mut &[u8]) -> Result<Self, DecodeError> {
            from_nanos(read_long(input)?, 1_000_000, "timestamp-millis")
        }
    }

    impl AvroEncode for PrimitiveDateTime {
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, to_micros(self.assume_utc())?);
            Ok(())
        }
    }
    impl AvroDecode for PrimitiveDateTime {
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let dt = from_nanos(read_long(input)?, 1000, "local-timestamp-micros")?;
            Ok(PrimitiveDateTime::new(dt.date(), dt.time()))
        }
    }
    impl TemporalUnitCodec for PrimitiveDateTime {
        fn describe_millis() -> Ty {
            Ty::LocalTimestampMillis
        }
        fn encode_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, to_millis(self.assume_utc())?);
            Ok(())
        }
        fn decode_millis(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let dt = from_nanos(read_long(input)?, 1_000_000, "local-timestamp-millis")?;
            Ok(PrimitiveDateTime::new(dt.date(), dt.time()))
        }
    }

    impl AvroEncode for Date {
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, i64::from(self.to_julian_day()) - EPOCH_JULIAN_DAY);
            Ok(())
        }
    }
    impl AvroDecode for Date {
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            let v = i64::from(read_int(input)?);
            i32::try_from(v + EPOCH_JULIAN_DAY)
                .ok()
                .and_then(|j| Date::from_julian_day(j).ok())
                .ok_or_else(|| bad("date", v))
        }
    }

    fn micros_of_day(t: &Time) -> i64 {
        let (h, m, s, us) = t.as_hms_micro();
        ((i64::from(h) * 60 + i64::from(m)) * 60 + i64::from(s)) * 1_000_000 + i64::from(us)
    }
    fn time_from_micros(v: i64) -> Result<Time, DecodeError> {
        if !(0..86_400_000_000).contains(&v) {
            return Err(bad("time of day", v));
        }
        let secs = v / 1_000_000;
        Time::from_hms_micro(
            (secs / 3600) as u8,
            ((secs / 60) % 60) as u8,
            (secs % 60) as u8,
            (v % 1_000_000) as u32,
        )
        .map_err(|_| bad("time of day", v))
    }
    impl AvroEncode for Time {
        fn encode_avro<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, micros_of_day(self));
            Ok(())
        }
    }
    impl AvroDecode for Time {
        fn decode_avro(input: &mut &[u8]) -> Result<Self, DecodeError> {
            time_from_micros(read_long(input)?)
        }
    }
    impl TemporalUnitCodec for Time {
        fn describe_millis() -> Ty {
            Ty::TimeMillis
        }
        fn encode_millis<B: BufMut>(&self, buf: &mut B) -> Result<(), EncodeError> {
            write_long(buf, micros_of_day(self) / 1000);
            Ok(())
        }
        fn decode_millis(input: &mut &[u8]) -> Result<Self, DecodeError> {
            time_from_micros(i64::from(read_int(input)?).saturating_mul(1000))
        }
    }
}

#[cfg(feature = "rust_decimal")]
impl DecimalCodec for rust_decimal::Decimal {
    fn unscaled(&self, precision: u32, scale: u32) -> Result<i128, EncodeError> {
        let too_wide = || EncodeError::DecimalPrecision {
            value: self.to_string(),
            precision,
            scale,
        };
        let own = self.scale();
        let m = self.mantissa();
        let unscaled = if own <= scale {
            10i128
                .checked_pow(scale - own)
                .and_then(|f| m.checked_mul(f))
                .ok_or_else(too_wide)?
        } else {
            let f = 10i128.checked_pow(own - scale).ok_or_else(too_wide)?;
            if m % f != 0 {
                // Rounding would silently change the value: refuse instead.
                return Err(EncodeError::InvalidValue(format!(
                    "decimal {self} has more than {scale} fractional digits"
                )));
            }
            m / f
        };
        let limit = 10u128.checked_pow(precision).unwrap_or(u128::MAX);
        if unscaled.unsigned_abs() >= limit {
            return Err(too_wide());
        }
        Ok(unscaled)
    }

    fn from_unscaled(unscaled: i128, scale: u32) -> Result<Self, DecodeError> {
        rust_decimal::Decimal::try_from_i128_with_scale(unscaled, scale)
            .map_err(|e| DecodeError::InvalidValue(format!("decimal {unscaled}e-{scale}: {e}")))
    }
}
