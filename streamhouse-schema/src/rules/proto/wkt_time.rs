//! `Timestamp` and `Duration` as text, both ways (`well_known_types.py`
//! `Timestamp.ToJsonString` / `FromJsonString`, `Duration.ToJsonString` /
//! `FromJsonString`): RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits (read with any
//! `Z` or `±HH:MM` offset), seconds with an `s` suffix; out of range is an error.

use crate::rules::error::RuleError;

/// The earliest and latest `Timestamp` seconds (0001-01-01T00:00:00Z, 9999-12-31T23:59:59Z).
const MIN_TIMESTAMP: i64 = -62_135_596_800;
const MAX_TIMESTAMP: i64 = 253_402_300_799;
/// The longest `Duration` either way, in seconds (10 000 years).
const MAX_DURATION: i64 = 315_576_000_000;

fn error(path: &str, what: impl std::fmt::Display) -> RuleError {
    RuleError::execution(format!("{path}: {what}"))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// 0, 3, 6 or 9 fractional digits, as the Python and Java printers choose them.
fn fraction(nanos: i64) -> String {
    if nanos == 0 {
        String::new()
    } else if nanos % 1_000_000 == 0 {
        format!(".{:03}", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!(".{:06}", nanos / 1_000)
    } else {
        format!(".{nanos:09}")
    }
}

pub(super) fn timestamp_text(seconds: i64, nanos: i64, path: &str) -> Result<String, RuleError> {
    if !(MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&seconds) || !(0..1_000_000_000).contains(&nanos) {
        return Err(error(
            path,
            format!("the Timestamp {seconds}s {nanos}ns is out of range"),
        ));
    }
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let secs = seconds.rem_euclid(86_400);
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        fraction(nanos)
    ))
}

pub(super) fn duration_text(seconds: i64, nanos: i64, path: &str) -> Result<String, RuleError> {
    let same_sign = (seconds >= 0 && nanos >= 0) || (seconds <= 0 && nanos <= 0);
    if seconds.abs() > MAX_DURATION || nanos.abs() >= 1_000_000_000 || !same_sign {
        return Err(error(
            path,
            format!("the Duration {seconds}s {nanos}ns is out of range"),
        ));
    }
    let sign = if seconds < 0 || nanos < 0 { "-" } else { "" };
    Ok(format!("{sign}{}{}s", seconds.abs(), fraction(nanos.abs())))
}

/// Fixed-width decimal digits of `text` as a number.
fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Up to nine fractional digits as nanoseconds.
fn nanos_of(fraction: &str) -> Option<i32> {
    if fraction.is_empty() || fraction.len() > 9 {
        return None;
    }
    let value = digits(fraction)?;
    let scale = 10_i64.pow(9 - fraction.len() as u32);
    i32::try_from(value * scale).ok()
}

/// `YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|±HH:MM)` as seconds and nanos since the epoch.
pub(super) fn parse_timestamp(text: &str) -> Option<(i64, i32)> {
    let date = text.get(..19)?;
    let rest = text.get(19..)?;
    let bytes = date.as_bytes();
    if bytes.get(4) != Some(&b'-')
        || bytes.get(7) != Some(&b'-')
        || bytes.get(10) != Some(&b'T')
        || bytes.get(13) != Some(&b':')
        || bytes.get(16) != Some(&b':')
    {
        return None;
    }
    let year = digits(date.get(0..4)?)?;
    let month = digits(date.get(5..7)?)?;
    let day = digits(date.get(8..10)?)?;
    let hour = digits(date.get(11..13)?)?;
    let minute = digits(date.get(14..16)?)?;
    let second = digits(date.get(17..19)?)?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let max_day = *month_days.get(usize::try_from(month - 1).ok()?)?;
    if year < 1 || day < 1 || day > max_day || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let (nanos, zone) = match rest.strip_prefix('.') {
        Some(fractional) => {
            let end = fractional
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(fractional.len());
            (nanos_of(&fractional[..end])?, &fractional[end..])
        }
        None => (0, rest),
    };
    let offset = match zone {
        "Z" => 0,
        _ => {
            let sign = match zone.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            if zone.len() != 6 || zone.get(3..4)? != ":" {
                return None;
            }
            let hours = digits(zone.get(1..3)?)?;
            let minutes = digits(zone.get(4..6)?)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let seconds =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    (MIN_TIMESTAMP..=MAX_TIMESTAMP)
        .contains(&seconds)
        .then_some((seconds, nanos))
}

/// `[-]S[.fffffffff]s` as seconds and nanos (both negative for a negative duration).
pub(super) fn parse_duration(text: &str) -> Option<(i64, i32)> {
    let body = text.strip_suffix('s')?;
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let (whole, nanos) = match body.split_once('.') {
        Some((whole, fractional)) => (whole, nanos_of(fractional)?),
        None => (body, 0),
    };
    let seconds = digits(whole)?;
    if seconds > MAX_DURATION {
        return None;
    }
    Some(if negative {
        (-seconds, -nanos)
    } else {
        (seconds, nanos)
    })
}
