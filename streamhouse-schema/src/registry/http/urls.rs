//! Registry base URLs: validated once, with any path prefix kept and any userinfo turned
//! into basic-auth credentials (as Confluent's clients do for `http://key:secret@host`).

use reqwest::Url;

use super::auth::Auth;

/// One registry base URL, ready to have endpoint paths appended.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    url: Url,
    /// Credentials taken from the URL's userinfo, if it had any.
    pub(crate) auth: Option<Auth>,
}

/// Percent-decodes URL userinfo (`%40` -> `@`), leaving invalid escapes as they are.
fn decode_userinfo(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(position + 1..position + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                position += 3;
            }
            None => {
                out.push(byte);
                position += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl BaseUrl {
    /// Parses and checks a base URL: http or https, a host, no query or fragment.
    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        // `localhost:8081` parses as a URL of scheme `localhost`, and `127.0.0.1:8081` fails
        // with "relative URL without a base": say what is missing instead.
        if !raw.contains("://") {
            return Err(format!(
                "invalid schema registry URL {raw:?}: no scheme; write it as \"http://{}\"",
                raw.trim()
            ));
        }
        let mut url = Url::parse(raw.trim())
            .map_err(|error| format!("invalid schema registry URL {raw:?}: {error}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "invalid schema registry URL {raw:?}: scheme must be http, https or mock"
            ));
        }
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(format!("invalid schema registry URL {raw:?}: no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "invalid schema registry URL {raw:?}: a base URL cannot carry a query or fragment"
            ));
        }
        let auth = (!url.username().is_empty()).then(|| Auth::Basic {
            username: decode_userinfo(url.username()),
            password: url.password().map(decode_userinfo),
        });
        // Credentials travel in the Authorization header, never in logged URLs.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Ok(Self { url, auth })
    }

    /// The URL of an endpoint: the base path prefix, then each segment percent-encoded
    /// (a subject may contain `/`, `?`, `%` or spaces), then the query.
    pub(crate) fn endpoint(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.url.clone();
        // `parse` rejected cannot-be-a-base URLs, so the segments are always editable.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// The base URL as text (without credentials), for error messages.
    pub(crate) fn as_str(&self) -> &str {
        self.url.as_str()
    }
}

/// One or more base URLs, in failover order.
#[derive(Debug, Clone)]
pub(crate) struct UrlList {
    first: BaseUrl,
    rest: Vec<BaseUrl>,
}

impl UrlList {
    /// The list `first, rest...`.
    pub(crate) fn new(first: BaseUrl, rest: Vec<BaseUrl>) -> Self {
        Self { first, rest }
    }

    /// Number of URLs (at least 1).
    pub(crate) fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// The URL at `index`, wrapping around past the end.
    pub(crate) fn get(&self, index: usize) -> &BaseUrl {
        match index % self.len() {
            0 => &self.first,
            other => self.rest.get(other - 1).unwrap_or(&self.first),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_without_a_scheme_is_refused_with_the_fix() {
        for raw in ["localhost:8081", "127.0.0.1:8081", "registry"] {
            assert_eq!(
                BaseUrl::parse(raw).err(),
                Some(format!(
                    "invalid schema registry URL {raw:?}: no scheme; write it as \"http://{raw}\""
                ))
            );
        }
    }

    #[test]
    fn endpoint_keeps_path_prefix() {
        let base = BaseUrl::parse("http://host:8080/schemas").unwrap();
        assert_eq!(
            base.endpoint(&["subjects", "a-value", "versions"], &[])
                .as_str(),
            "http://host:8080/schemas/subjects/a-value/versions"
        );
        let slash = BaseUrl::parse("http://host:8080/schemas/").unwrap();
        assert_eq!(
            slash.endpoint(&["subjects"], &[]).as_str(),
            "http://host:8080/schemas/subjects"
        );
        let bare = BaseUrl::parse("http://host:8081").unwrap();
        assert_eq!(
            bare.endpoint(&["subjects"], &[]).as_str(),
            "http://host:8081/subjects"
        );
    }

    #[test]
    fn endpoint_encodes_subject_segments_and_query() {
        let base = BaseUrl::parse("http://host").unwrap();
        let url = base.endpoint(
            &["subjects", "a/b c?%", "versions"],
            &[("normalize", "true")],
        );
        assert_eq!(
            url.as_str(),
            "http://host/subjects/a%2Fb%20c%3F%25/versions?normalize=true"
        );
    }

    #[test]
    fn userinfo_becomes_basic_auth_and_leaves_the_url() {
        let base = BaseUrl::parse("https://key:s%40cret@sr.example:443/").unwrap();
        assert_eq!(
            base.auth,
            Some(Auth::Basic {
                username: "key".into(),
                password: Some("s@cret".into())
            })
        );
        assert_eq!(base.as_str(), "https://sr.example/");
    }

    #[test]
    fn rejects_unusable_urls() {
        for raw in [
            "localhost:8081",
            "ftp://host",
            "http://host/?x=1",
            "not a url",
            "http://",
        ] {
            assert!(BaseUrl::parse(raw).is_err(), "{raw} accepted");
        }
    }
}
