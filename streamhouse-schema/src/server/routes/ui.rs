//! `GET /ui/`: the schema browser, a page of static files compiled into the binary (nothing
//! is downloaded at build or run time).
//!
//! The files hold no data, so they are served without credentials (as `/health` is); the page
//! reads and writes through the REST API with the credentials the user types in, which the
//! API authenticates like any other client's. Every answer carries a Content-Security-Policy
//! that allows scripts, styles, images and requests from this origin only, and no inline
//! script or style.

use axum::extract::Path;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::super::error::ApiError;
use super::super::state::AppState;

/// The policy sent with every file of the page.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const SVG: &str = "image/svg+xml";

/// The page's files: name under `/ui/`, content type, bytes.
const FILES: &[(&str, &str, &str)] = &[
    ("index.html", HTML, include_str!("../ui/index.html")),
    ("style.css", CSS, include_str!("../ui/style.css")),
    ("favicon.svg", SVG, include_str!("../ui/favicon.svg")),
    ("app.js", JS, include_str!("../ui/app.js")),
    ("api.js", JS, include_str!("../ui/api.js")),
    ("dom.js", JS, include_str!("../ui/dom.js")),
    ("format.js", JS, include_str!("../ui/format.js")),
    ("subjects.js", JS, include_str!("../ui/subjects.js")),
    ("subject.js", JS, include_str!("../ui/subject.js")),
    ("contract.js", JS, include_str!("../ui/contract.js")),
    ("diff.js", JS, include_str!("../ui/diff.js")),
    ("compat.js", JS, include_str!("../ui/compat.js")),
];

/// The routes of the page, to be merged outside the authentication layer.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ui", get(to_directory))
        .route("/ui/", get(|| async { file("index.html") }))
        .route(
            "/ui/{file}",
            get(|Path(name): Path<String>| async move { file(&name) }),
        )
}

/// `GET /ui`: to `/ui/`, so that the page's relative links resolve inside it. The location is
/// relative too, which keeps working behind a proxy that serves the registry under a prefix.
async fn to_directory() -> Response {
    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, "ui/")]).into_response()
}

/// One of the page's files, or 404 (Confluent's JSON, as every unknown path).
fn file(name: &str) -> Response {
    let Some((_, content_type, body)) = FILES.iter().find(|(file, _, _)| *file == name) else {
        return ApiError::no_route().into_response();
    };
    let mut response = (StatusCode::OK, *body).into_response();
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Revalidated on every load, so that a new release's page is never mixed with an old
        // one's scripts.
        (header::CACHE_CONTROL, "no-cache"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `src`/`href` of the page and every `import ... from './x.js'` of its scripts names
    /// a served file, so nothing is missing from the binary.
    #[test]
    fn every_linked_file_is_served() {
        let served = |name: &str| FILES.iter().any(|(file, _, _)| *file == name);
        let mut linked = Vec::new();
        for (_, _, body) in FILES {
            for marker in ["src=\"", "href=\"", "from './"] {
                for piece in body.split(marker).skip(1) {
                    let end = piece.find(['"', '\'']).unwrap_or(piece.len());
                    let target = piece[..end].trim_start_matches("./");
                    // `#/...` are the page's own routes.
                    if !target.starts_with('#') {
                        linked.push(target.to_string());
                    }
                }
            }
        }
        assert!(linked.contains(&"app.js".to_string()), "{linked:?}");
        assert!(linked.contains(&"diff.js".to_string()), "{linked:?}");
        assert!(linked.contains(&"style.css".to_string()), "{linked:?}");
        for name in &linked {
            assert!(served(name), "{name} is linked but not served");
        }
    }

    /// Nothing is fetched from elsewhere (no absolute URL), no inline script, style or event
    /// handler (the policy would refuse them, so they would only be broken features), and no
    /// HTML parsed from strings (registry data goes into the page as text).
    #[test]
    fn the_page_loads_nothing_from_elsewhere() {
        for (name, content_type, body) in FILES {
            // The SVG's XML namespace is an identifier, not a download.
            if *content_type != SVG {
                for absolute in ["http://", "https://", "//cdn"] {
                    assert!(!body.contains(absolute), "{name} contains {absolute}");
                }
            }
            let forbidden: &[&str] = match *content_type {
                HTML => &[
                    "<style",
                    "style=\"",
                    "<script>",
                    " onclick=",
                    " onload=",
                    " onerror=",
                ],
                JS => &[
                    "innerHTML",
                    "outerHTML",
                    "insertAdjacentHTML",
                    "eval(",
                    "new Function",
                ],
                _ => &[],
            };
            for pattern in forbidden {
                assert!(!body.contains(pattern), "{name} contains {pattern}");
            }
        }
    }
}
