//! Kafka's topic naming rules, applied by every transport so names that work here also work
//! on a real cluster.

use super::TransportError;

/// Kafka's limit on topic name length.
const MAX_TOPIC_NAME_LEN: usize = 249;

/// Checks `name` against Kafka's rules: 1 to 249 characters from `[a-zA-Z0-9._-]`, and not `.`
/// or `..`.
///
/// ```
/// use streamhouse_schema::transport::validate_topic_name;
/// assert!(validate_topic_name("shop.orders-v1").is_ok());
/// assert!(validate_topic_name("orders/eu").is_err());
/// ```
pub fn validate_topic_name(name: &str) -> Result<(), TransportError> {
    let reason = if name.is_empty() {
        Some("a topic name cannot be empty")
    } else if name == "." || name == ".." {
        Some("a topic name cannot be \".\" or \"..\"")
    } else if name.len() > MAX_TOPIC_NAME_LEN {
        Some("a topic name can be at most 249 characters long")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Some("a topic name may only contain ASCII letters, digits, '.', '_' and '-'")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(TransportError::InvalidTopicName {
            name: name.to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_kafka_legal_names() {
        for name in ["orders", "shop.orders-v1", "a_b", "X", &"a".repeat(249)] {
            assert_eq!(validate_topic_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn rejects_illegal_names_with_the_broken_rule() {
        let cases = [
            ("", "a topic name cannot be empty"),
            (".", "a topic name cannot be \".\" or \"..\""),
            ("..", "a topic name cannot be \".\" or \"..\""),
            (
                "orders/eu",
                "a topic name may only contain ASCII letters, digits, '.', '_' and '-'",
            ),
            (
                "ordérs",
                "a topic name may only contain ASCII letters, digits, '.', '_' and '-'",
            ),
            (
                "with space",
                "a topic name may only contain ASCII letters, digits, '.', '_' and '-'",
            ),
        ];
        for (name, reason) in cases {
            assert_eq!(
                validate_topic_name(name),
                Err(TransportError::InvalidTopicName {
                    name: name.to_string(),
                    reason
                }),
                "{name:?}"
            );
        }
        let long = "a".repeat(250);
        assert!(matches!(
            validate_topic_name(&long),
            Err(TransportError::InvalidTopicName {
                reason: "a topic name can be at most 249 characters long",
                ..
            })
        ));
    }
}
