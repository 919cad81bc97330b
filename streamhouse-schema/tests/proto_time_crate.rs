//! The `time` crate's types in Protobuf map exactly as chrono's: a derived message with
//! `time` fields has the same `.proto` layout and writes the same bytes as its chrono twin.
#![cfg(all(feature = "time", feature = "chrono"))]

use prost::Message;
use streamhouse_schema::StreamSchema;

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Shift", namespace = "shop.v1", protobuf)]
struct TimeShift {
    #[stream_schema(tag = 1)]
    starts: time::OffsetDateTime,
    #[stream_schema(tag = 2)]
    local: time::PrimitiveDateTime,
    #[stream_schema(tag = 3)]
    day: time::Date,
    #[stream_schema(tag = 4)]
    at: time::Time,
    #[stream_schema(tag = 5)]
    breaks: Vec<time::Time>,
}

#[derive(StreamSchema, Debug, Clone, PartialEq)]
#[stream_schema(name = "Shift", namespace = "shop.v1", protobuf)]
struct ChronoShift {
    #[stream_schema(tag = 1)]
    starts: chrono::DateTime<chrono::Utc>,
    #[stream_schema(tag = 2)]
    local: chrono::NaiveDateTime,
    #[stream_schema(tag = 3)]
    day: chrono::NaiveDate,
    #[stream_schema(tag = 4)]
    at: chrono::NaiveTime,
    #[stream_schema(tag = 5)]
    breaks: Vec<chrono::NaiveTime>,
}

#[test]
fn time_crate_fields_have_chronos_layout_and_bytes() {
    assert_eq!(TimeShift::proto_text(), ChronoShift::proto_text());
    assert!(
        TimeShift::proto_text().contains("google.protobuf.Timestamp starts = 1;"),
        "{}",
        TimeShift::proto_text()
    );

    let micros = 1_764_000_000_123_456_i64;
    let starts = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .expect("in range");
    let ours = TimeShift {
        starts,
        local: time::PrimitiveDateTime::new(starts.date(), starts.time()),
        day: starts.date(),
        at: time::Time::from_hms_micro(9, 30, 0, 250).expect("valid"),
        breaks: vec![
            time::Time::from_hms(12, 0, 0).expect("valid"),
            time::Time::MIDNIGHT,
        ],
    };
    let chrono_starts = chrono::DateTime::from_timestamp_micros(micros).expect("in range");
    let twin = ChronoShift {
        starts: chrono_starts,
        local: chrono_starts.naive_utc(),
        day: chrono_starts.date_naive(),
        at: chrono::NaiveTime::from_hms_micro_opt(9, 30, 0, 250).expect("valid"),
        breaks: vec![
            chrono::NaiveTime::from_hms_opt(12, 0, 0).expect("valid"),
            chrono::NaiveTime::MIN,
        ],
    };
    let bytes = ours.encode_to_vec();
    assert_eq!(bytes, twin.encode_to_vec());
    assert_eq!(TimeShift::decode_proto(&bytes).expect("decodes"), ours);
}
