//! Credentials the server accepts: basic-auth users and static bearer tokens. Their `Debug`
//! output never shows a password or token, so a logged configuration leaks nothing.

use std::fmt;
use std::str::FromStr;

/// HTTP basic-auth credentials, parsed from `user:password`.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicAuth {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A `user:password` string without a colon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("basic auth must be USER:PASSWORD (with a non-empty user)")]
pub struct InvalidBasicAuth;

impl FromStr for BasicAuth {
    type Err = InvalidBasicAuth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((user, password)) if !user.is_empty() => Ok(BasicAuth {
                user: user.to_string(),
                password: password.to_string(),
            }),
            _ => Err(InvalidBasicAuth),
        }
    }
}

/// A static token accepted as `Authorization: Bearer <token>`.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    /// The token text (what clients send after `Bearer `).
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// A bearer token that is empty or contains characters a header cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a bearer token must be non-empty visible ASCII without spaces")]
pub struct InvalidBearerToken;

impl FromStr for BearerToken {
    type Err = InvalidBearerToken;

    /// Accepts RFC 6750's token68 alphabet loosely: any visible ASCII except space.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if !s.is_empty() && s.bytes().all(|byte| byte.is_ascii_graphic()) {
            Ok(BearerToken(s.to_string()))
        } else {
            Err(InvalidBearerToken)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_parses_user_and_password() {
        let auth: BasicAuth = "alice:s3:cret".parse().unwrap();
        assert_eq!(auth.user, "alice");
        assert_eq!(auth.password, "s3:cret");
        assert_eq!("nocolon".parse::<BasicAuth>(), Err(InvalidBasicAuth));
        assert_eq!(":pw".parse::<BasicAuth>(), Err(InvalidBasicAuth));
    }

    #[test]
    fn bearer_tokens_reject_spaces_and_empty() {
        let token: BearerToken = "abc.DEF-123_~+/=".parse().unwrap();
        assert_eq!(token.secret(), "abc.DEF-123_~+/=");
        assert_eq!("".parse::<BearerToken>(), Err(InvalidBearerToken));
        assert_eq!("a b".parse::<BearerToken>(), Err(InvalidBearerToken));
        assert_eq!("tök".parse::<BearerToken>(), Err(InvalidBearerToken));
    }

    #[test]
    fn debug_hides_secrets() {
        let auth: BasicAuth = "ops:hunter2".parse().unwrap();
        assert_eq!(
            format!("{auth:?}"),
            r#"BasicAuth { user: "ops", password: "<redacted>" }"#
        );
        let token: BearerToken = "t0ken".parse().unwrap();
        assert_eq!(format!("{token:?}"), "BearerToken(<redacted>)");
    }
}
