//! Which subject names the registry accepts (42208 otherwise).
//!
//! As Confluent's `QualifiedSubject.isValidSubject`: no ISO control characters (U+0000 to
//! U+001F and U+007F to U+009F; PostgreSQL cannot even store U+0000). Stricter than
//! Confluent, which keeps accepting the empty subject for backward compatibility: an empty
//! subject is refused, and so is one longer than [`MAX_SUBJECT_BYTES`] (PostgreSQL's
//! b-tree indexes cannot hold keys much longer than 2.7 kB).

use super::error::ApiError;

/// The longest subject name accepted, in UTF-8 bytes.
pub const MAX_SUBJECT_BYTES: usize = 1024;

/// `Ok` when `subject` may name a subject; 42208 otherwise.
pub(crate) fn validate_subject(subject: &str) -> Result<(), ApiError> {
    if subject.is_empty() {
        return Err(ApiError::invalid_subject("the subject name is empty"));
    }
    if subject.len() > MAX_SUBJECT_BYTES {
        return Err(ApiError::invalid_subject(format!(
            "the subject name is {} bytes long, more than the limit of {MAX_SUBJECT_BYTES}",
            subject.len()
        )));
    }
    if let Some(c) = subject.chars().find(|c| c.is_control()) {
        return Err(ApiError::invalid_subject(format!(
            "the subject name contains the control character U+{:04X}",
            u32::from(c)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_unicode_and_slashes() {
        for subject in ["orders-value", "a/b", "Ünïcødé-主题", "%41", " x ", "a:b"] {
            assert_eq!(validate_subject(subject), Ok(()), "{subject:?}");
        }
        assert_eq!(validate_subject(&"s".repeat(MAX_SUBJECT_BYTES)), Ok(()));
    }

    #[test]
    fn refuses_empty_long_and_control_characters_with_42208() {
        let long = "s".repeat(MAX_SUBJECT_BYTES + 1);
        for subject in [
            "",
            "a\0b",
            "tab\there",
            "new\nline",
            "del\u{7f}",
            "c1\u{85}",
            &long,
        ] {
            let error = validate_subject(subject).unwrap_err();
            assert_eq!(
                (error.status.as_u16(), error.error_code),
                (422, 42208),
                "{subject:?}"
            );
        }
        assert_eq!(
            validate_subject("a\0b").unwrap_err().message,
            "Invalid subject: the subject name contains the control character U+0000"
        );
    }
}
