//! Parsing the `{version}` path segment: `latest`, `-1` or 1..=2^31-1 (anything else is 42202).

use super::error::ApiError;

/// A version as a client names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionSpec {
    /// `latest` or `-1`: the newest visible version.
    Latest,
    /// One version number.
    Number(i64),
}

impl VersionSpec {
    /// Parses a path segment; 42202 for `0`, negatives other than `-1`, overflow or words.
    pub(crate) fn parse(raw: &str) -> Result<Self, ApiError> {
        if raw.eq_ignore_ascii_case("latest") {
            return Ok(VersionSpec::Latest);
        }
        match raw.parse::<i64>() {
            Ok(-1) => Ok(VersionSpec::Latest),
            Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => Ok(VersionSpec::Number(n)),
            _ => Err(ApiError::invalid_version(raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_latest_minus_one_and_positive_numbers() {
        assert_eq!(VersionSpec::parse("latest").unwrap(), VersionSpec::Latest);
        assert_eq!(VersionSpec::parse("LATEST").unwrap(), VersionSpec::Latest);
        assert_eq!(VersionSpec::parse("-1").unwrap(), VersionSpec::Latest);
        assert_eq!(VersionSpec::parse("1").unwrap(), VersionSpec::Number(1));
        assert_eq!(
            VersionSpec::parse("2147483647").unwrap(),
            VersionSpec::Number(2_147_483_647)
        );
    }

    #[test]
    fn rejects_everything_else_with_42202() {
        for raw in ["0", "-2", "abc", "", "1.5", "2147483648", " 1"] {
            let error = VersionSpec::parse(raw).unwrap_err();
            assert_eq!(error.error_code, 42202, "{raw:?}");
            assert!(
                error.message.contains(&format!("'{raw}'")),
                "{}",
                error.message
            );
        }
    }
}
