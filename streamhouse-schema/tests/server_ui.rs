//! The schema browser's routes over real HTTP: `/ui/` serves the page's files (the same bytes
//! as in the source tree) with their content types and a self-only Content-Security-Policy,
//! without credentials even when the API needs them (the API still refuses anonymous calls);
//! `ui: false` turns every `/ui` path into 404. The page itself is driven in a browser by
//! `server_ui_browser`.
#![cfg(feature = "server")]

mod server_common;

use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, X_CONTENT_TYPE_OPTIONS};
use server_common::{Backend, TestDb, TestRegistry};

const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Every file of the page and the content type it must be served with.
const FILES: &[(&str, &str)] = &[
    ("index.html", "text/html; charset=utf-8"),
    ("style.css", "text/css; charset=utf-8"),
    ("favicon.svg", "image/svg+xml"),
    ("app.js", "text/javascript; charset=utf-8"),
    ("api.js", "text/javascript; charset=utf-8"),
    ("dom.js", "text/javascript; charset=utf-8"),
    ("format.js", "text/javascript; charset=utf-8"),
    ("subjects.js", "text/javascript; charset=utf-8"),
    ("subject.js", "text/javascript; charset=utf-8"),
    ("contract.js", "text/javascript; charset=utf-8"),
    ("diff.js", "text/javascript; charset=utf-8"),
    ("compat.js", "text/javascript; charset=utf-8"),
];

/// A client that shows redirects instead of following them.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

fn source(name: &str) -> String {
    let path = format!("{}/src/server/ui/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

async fn status_of(client: &reqwest::Client, url: String) -> u16 {
    client.get(url).send().await.expect("GET").status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_page_with_content_types_and_policy() {
    let registry = TestRegistry::start(Backend::Sqlite).await;
    let client = http();

    // `/ui` moves to `/ui/` with a relative location, so the page's relative links resolve
    // inside it (also behind a path prefix).
    let moved = client
        .get(format!("{}/ui", registry.url))
        .send()
        .await
        .expect("GET /ui");
    assert_eq!(moved.status().as_u16(), 308);
    assert_eq!(moved.headers()[LOCATION], "ui/");

    let index = client
        .get(format!("{}/ui/", registry.url))
        .send()
        .await
        .expect("GET /ui/");
    assert_eq!(index.status().as_u16(), 200);
    assert_eq!(index.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(index.headers()[CONTENT_SECURITY_POLICY], POLICY);
    let html = index.text().await.expect("body");
    assert_eq!(html, source("index.html"));
    assert!(
        html.contains(r#"<script type="module" src="app.js"></script>"#),
        "{html}"
    );

    for (name, content_type) in FILES {
        let answer = client
            .get(format!("{}/ui/{name}", registry.url))
            .send()
            .await
            .expect("GET a file");
        assert_eq!(answer.status().as_u16(), 200, "{name}");
        assert_eq!(answer.headers()[CONTENT_TYPE], *content_type, "{name}");
        assert_eq!(answer.headers()[CONTENT_SECURITY_POLICY], POLICY, "{name}");
        assert_eq!(
            answer.headers()[X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{name}"
        );
        assert_eq!(answer.text().await.expect("body"), source(name), "{name}");
    }
    // Every file in the source folder is served (none forgotten in the route's list).
    let mut on_disk: Vec<String> =
        std::fs::read_dir(format!("{}/src/server/ui", env!("CARGO_MANIFEST_DIR")))
            .expect("ui folder")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FILES.iter().map(|(name, _)| name.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);

    // Unknown files are Confluent's 404, and the page is read-only: no other method.
    let missing = client
        .get(format!("{}/ui/missing.js", registry.url))
        .send()
        .await
        .expect("GET");
    assert_eq!(missing.status().as_u16(), 404);
    let body: serde_json::Value = missing.json().await.expect("JSON 404");
    assert_eq!(body["error_code"], 404);
    let post = client
        .post(format!("{}/ui/app.js", registry.url))
        .body("x")
        .send()
        .await
        .expect("POST");
    assert_eq!(post.status().as_u16(), 405);
    registry.finish().await;
}

/// The page's files need no credentials (they hold no data), but the API the page calls
/// still refuses anonymous requests, and read-only credentials still cannot write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_does_not_open_the_api() {
    let db = TestDb::new(Backend::Sqlite).await;
    let registry = TestRegistry::start_with(db, |config| {
        config
            .with_basic_auth("admin", "admin-secret")
            .with_readonly_basic_auth("reader", "reader-secret")
    })
    .await;
    let client = http();
    for name in ["", "index.html", "app.js", "api.js"] {
        assert_eq!(
            status_of(&client, format!("{}/ui/{name}", registry.url)).await,
            200,
            "/ui/{name}"
        );
    }
    assert_eq!(
        status_of(&client, format!("{}/subjects", registry.url)).await,
        401
    );
    // A write with the reader's credentials, as the page's Register button sends it.
    let refused = client
        .post(format!("{}/subjects/s/versions", registry.url))
        .basic_auth("reader", Some("reader-secret"))
        .header(CONTENT_TYPE, "application/vnd.schemaregistry.v1+json")
        .body(r#"{"schema": "\"string\""}"#)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status().as_u16(), 403);
    registry.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_off_is_not_found() {
    let db = TestDb::new(Backend::Sqlite).await;
    let registry = TestRegistry::start_with(db, |config| config.with_ui(false)).await;
    let client = http();
    for path in [
        "/ui",
        "/ui/",
        "/ui/index.html",
        "/ui/app.js",
        "/ui/style.css",
    ] {
        let answer = client
            .get(format!("{}{path}", registry.url))
            .send()
            .await
            .expect("GET");
        assert_eq!(answer.status().as_u16(), 404, "{path}");
        assert!(
            answer.headers().get(CONTENT_SECURITY_POLICY).is_none(),
            "{path}"
        );
    }
    // The API is unchanged.
    assert_eq!(
        status_of(&client, format!("{}/subjects", registry.url)).await,
        200
    );
    registry.finish().await;
}
