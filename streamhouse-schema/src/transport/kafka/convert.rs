//! Conversions between librdkafka messages and the transport's records.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use rdkafka::message::{Header as KafkaHeader, Headers, Message, OwnedHeaders};

use crate::transport::{Header, TransportRecord};

/// Our headers as librdkafka's (`None` when there are none, so no empty list is allocated).
pub(crate) fn to_kafka_headers(headers: &[Header]) -> Option<OwnedHeaders> {
    if headers.is_empty() {
        return None;
    }
    let kafka = headers.iter().fold(
        OwnedHeaders::new_with_capacity(headers.len()),
        |kafka, header| {
            kafka.insert(KafkaHeader {
                key: &header.key,
                value: Some(&header.value[..]),
            })
        },
    );
    Some(kafka)
}

/// A consumed message as a [`TransportRecord`].
///
/// A header without a value (Kafka allows `null`) comes back with empty bytes, since
/// [`Header`] has no null; a message without a value comes back with an empty value.
pub(crate) fn to_record<M: Message>(message: &M, topic: Arc<str>) -> TransportRecord {
    let headers = message
        .headers()
        .map(|headers| {
            headers
                .iter()
                .map(|h| Header {
                    key: h.key.to_string(),
                    value: h.value.map(Bytes::copy_from_slice).unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    TransportRecord {
        topic,
        partition: message.partition(),
        offset: message.offset(),
        timestamp: message.timestamp().to_millis().unwrap_or(-1),
        key: message.key().map(Bytes::copy_from_slice),
        value: message
            .payload()
            .map(Bytes::copy_from_slice)
            .unwrap_or_default(),
        headers,
    }
}

/// Milliseconds since the Unix epoch (the create time stamped on sent records).
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use rdkafka::message::{OwnedMessage, Timestamp};

    use super::*;

    #[test]
    fn headers_round_trip_in_order_through_librdkafka_types() {
        let headers = vec![
            Header::new("trace", Bytes::from_static(b"abc")),
            Header::new("trace", Bytes::from_static(b"")),
            Header::new("kind", Bytes::from_static(&[0, 255])),
        ];
        let message = OwnedMessage::new(
            Some(b"value".to_vec()),
            Some(b"key".to_vec()),
            "orders".to_string(),
            Timestamp::CreateTime(1_700_000_000_123),
            3,
            42,
            to_kafka_headers(&headers),
        );
        let record = to_record(&message, Arc::from("orders"));
        assert_eq!(
            record,
            TransportRecord {
                topic: Arc::from("orders"),
                partition: 3,
                offset: 42,
                timestamp: 1_700_000_000_123,
                key: Some(Bytes::from_static(b"key")),
                value: Bytes::from_static(b"value"),
                headers,
            }
        );
    }

    #[test]
    fn no_headers_means_no_header_list() {
        assert!(to_kafka_headers(&[]).is_none());
    }

    #[test]
    fn a_null_value_and_missing_timestamp_are_represented_without_panicking() {
        let message = OwnedMessage::new(
            None,
            None,
            "t".to_string(),
            Timestamp::NotAvailable,
            0,
            7,
            None,
        );
        let record = to_record(&message, Arc::from("t"));
        assert_eq!(record.value, Bytes::new());
        assert_eq!(record.key, None);
        assert_eq!(record.timestamp, -1);
        assert!(record.headers.is_empty());
    }
}
