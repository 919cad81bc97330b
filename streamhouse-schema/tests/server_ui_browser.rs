//! The schema browser in a real browser: Debian's `chromium` driven through `chromedriver`
//! (WebDriver) against a registry started in-process on SQLite with an Avro subject of two
//! versions, a Protobuf subject referencing another, and a JSON Schema subject with a data
//! contract. The page is loaded, searched, a subject opened, two versions diffed, a breaking
//! schema checked (Confluent's messages shown, the same as the API's), references followed
//! both ways, the contract shown; then a registry with authentication: the page asks for
//! credentials, reads with read-only ones and shows the API's 403 when they try to write.
//!
//! Screenshots land in `target/ui-screenshots/` for a person to look at. Without chromium or
//! chromedriver the test fails (`apt-get install chromium chromium-driver`; the CI script
//! installs them), it never skips.
#![cfg(feature = "server")]

mod server_common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use server_common::{Backend, TestDb, TestRegistry};

/// How long the page may take to show something (chromium's first start is the slow part).
const PATIENCE: Duration = Duration::from_secs(30);

fn program(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.exists(),
        "{} is missing: install Debian's chromium and chromium-driver \
         (apt-get install -y chromium chromium-driver; scripts/test-all.sh does) or set {variable}",
        path.display()
    );
    path
}

/// `target/ui-screenshots/`, beside the test binary's `target/<profile>/deps/`.
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"));
    let dir = target.join("ui-screenshots");
    std::fs::create_dir_all(&dir).expect("create target/ui-screenshots");
    dir
}

/// A chromedriver we started; killed (by its own pid) when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver on a free loopback port and a headless chromium session in it.
async fn browser() -> (Driver, Client) {
    let chromium = program("STREAMHOUSE_CHROMIUM", "/usr/bin/chromium");
    let chromedriver = program("STREAMHOUSE_CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = tempfile::tempdir().expect("a fresh chromium profile");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: profile,
    };
    let args = vec![
        "--headless".to_string(),
        "--no-sandbox".to_string(),
        "--disable-gpu".to_string(),
        "--disable-quic".to_string(),
        "--no-first-run".to_string(),
        "--disable-background-networking".to_string(),
        "--disable-component-update".to_string(),
        "--disable-sync".to_string(),
        "--disable-dev-shm-usage".to_string(),
        "--window-size=1400,1000".to_string(),
        format!("--user-data-dir={}", driver._profile.path().display()),
    ];
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium, "args": args },
    });
    let capabilities = match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    };
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&driver.url)
            .await
        {
            Ok(client) => break client,
            // chromedriver refuses connections until it listens.
            Err(_) if started.elapsed() < PATIENCE => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => panic!("no chromium session through chromedriver: {error}"),
        }
    };
    (driver, client)
}

/// The first element matching `css` whose text contains `needle`, waiting for it.
async fn wait_text(client: &Client, css: &str, needle: &str) -> Element {
    let started = Instant::now();
    loop {
        let mut seen = Vec::new();
        if let Ok(elements) = client.find_all(Locator::Css(css)).await {
            for element in elements {
                let text = element.text().await.unwrap_or_default();
                if text.contains(needle) {
                    return element;
                }
                seen.push(text);
            }
        }
        if started.elapsed() > PATIENCE {
            let page = match client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("no {css} containing {needle:?}; seen {seen:?}\npage:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The texts of every element matching `css`.
async fn texts(client: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for element in client.find_all(Locator::Css(css)).await.expect("find") {
        out.push(element.text().await.expect("text"));
    }
    out
}

/// Waits until the texts of `css` equal `expected`.
async fn wait_texts(client: &Client, css: &str, expected: &[&str]) {
    let started = Instant::now();
    loop {
        let now = texts(client, css).await;
        if now == expected {
            return;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "{css}: {now:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Scrolls `css` into view and saves a screenshot of the window as `name`.png.
async fn screenshot(client: &Client, css: &str, name: &str) {
    client
        .execute(
            "const el = document.querySelector(arguments[0]); if (el) el.scrollIntoView(); window.scrollBy(0, -60);",
            vec![json!(css)],
        )
        .await
        .expect("scroll");
    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).expect("save screenshot");
}

/// Replaces a text field's content by typing, as a person would.
async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.expect("field");
    field.clear().await.expect("clear");
    if !text.is_empty() {
        field.send_keys(text).await.expect("type");
    }
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css}: {error}"))
        .click()
        .await
        .unwrap_or_else(|error| panic!("click {css}: {error}"));
}

const ORDER_V1: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}"#;
const ORDER_V2: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"note","type":"string","default":""}]}"#;
/// `amount` becomes a boolean: neither version can read the other's data.
const ORDER_BREAKING: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"amount","type":"boolean"}]}"#;
const MONEY: &str =
    "syntax = \"proto3\";\npackage shop;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n";
const INVOICE: &str = "syntax = \"proto3\";\npackage shop;\n\nimport \"money.proto\";\n\nmessage Invoice {\n  string id = 1;\n  shop.Money total = 2;\n}\n";
const PAYMENT: &str =
    r#"{"type":"object","properties":{"amount":{"type":"number"}},"required":["amount"]}"#;

/// The subjects of the browse scenario.
async fn fill(r: &TestRegistry) {
    r.register("orders-value", ORDER_V1, None).await;
    r.put("/config/orders-value", &json!({ "compatibility": "FULL" }))
        .await
        .ok();
    r.register("orders-value", ORDER_V2, None).await;
    r.register("money", MONEY, Some("PROTOBUF")).await;
    r.post(
        "/subjects/invoices-value/versions",
        &json!({
            "schema": INVOICE,
            "schemaType": "PROTOBUF",
            "references": [{ "name": "money.proto", "subject": "money", "version": 1 }]
        }),
    )
    .await
    .ok();
    r.post(
        "/subjects/payments-value/versions",
        &json!({
            "schema": PAYMENT,
            "schemaType": "JSON",
            "metadata": { "properties": { "owner": "payments-team" }, "tags": { "amount": ["PII"] } },
            "ruleSet": { "domainRules": [{
                "name": "checkAmount", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
                "expr": "message.amount > 0", "onFailure": "ERROR"
            }] }
        }),
    )
    .await
    .ok();
    r.put("/mode/payments-value", &json!({ "mode": "READONLY" }))
        .await
        .ok();
}

/// Runs `scenario` with a browser, closing the session and chromedriver whatever happens.
async fn with_browser<F, Fut>(scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (driver, client) = browser().await;
    let outcome = tokio::spawn(scenario(client.clone())).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("scenario did not finish: {error}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_search_diff_and_check_in_chromium() {
    let registry = TestRegistry::start(Backend::Sqlite).await;
    fill(&registry).await;
    // The messages the API gives for the breaking schema: the page must show these.
    let expected = registry
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            &json!({ "schema": ORDER_BREAKING }),
        )
        .await;
    let expected: Vec<String> = expected.ok()["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m.as_str().expect("text").to_string())
        .collect();
    assert!(
        expected[0].starts_with("{errorType:'TYPE_MISMATCH', description:'The new schema cannot read data written with the old schema at path '/fields/amount'"),
        "{expected:?}"
    );
    assert_eq!(
        expected.last().map(String::as_str),
        Some("{compatibility: 'FULL'}")
    );
    let url = registry.url.clone();
    with_browser(move |client| async move {
        // `/ui` moves to `/ui/`; the list shows every subject with its level and mode.
        client.goto(&format!("{url}/ui")).await.expect("open /ui");
        assert_eq!(client.current_url().await.expect("url").path(), "/ui/");
        assert_eq!(client.title().await.expect("title"), "Schema registry");
        wait_text(&client, "#subject-count", "4 of 4 subjects").await;
        wait_texts(
            &client,
            "#subject-list li .name",
            &["invoices-value", "money", "orders-value", "payments-value"],
        )
        .await;
        wait_texts(
            &client,
            "#subject-list li .badge.level",
            &["BACKWARD", "BACKWARD", "FULL", "BACKWARD"],
        )
        .await;
        wait_texts(
            &client,
            "#subject-list li .badge.mode",
            &["READWRITE", "READWRITE", "READWRITE", "READONLY"],
        )
        .await;
        wait_text(&client, "#global-settings", "BACKWARD").await;
        screenshot(&client, "body", "1-subjects").await;

        // Search.
        type_into(&client, "#search", "ORD").await;
        wait_texts(&client, "#subject-list li .name", &["orders-value"]).await;
        wait_text(&client, "#subject-count", "1 of 4 subjects").await;
        screenshot(&client, "body", "2-search").await;

        // Open the subject: its latest version, pretty-printed, with its own level and the
        // global mode.
        click(&client, "#subject-list li[data-subject='orders-value'] a").await;
        wait_text(&client, "#subject-title", "orders-value").await;
        let meta = wait_text(&client, "#schema-meta", "AVRO").await;
        assert_eq!(meta.text().await.expect("text"), "schema id 2 · AVRO");
        wait_text(&client, "#schema h2", "Version 2").await;
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(ORDER_V2).expect("json"))
                .expect("pretty");
        let shown = wait_text(&client, "#schema-text", "\"note\"").await;
        assert_eq!(shown.text().await.expect("text"), pretty);
        wait_texts(
            &client,
            ".title .badge",
            &["AVRO", "FULL", "READWRITE (global)"],
        )
        .await;
        wait_texts(&client, "#versions a", &["1", "2"]).await;
        wait_text(&client, "#references", "references no other schema").await;
        wait_text(&client, "#referenced-by", "No registered schema references").await;
        assert!(
            client
                .find_all(Locator::Css("#contract"))
                .await
                .expect("find")
                .is_empty(),
            "no contract panel without metadata or rules"
        );
        screenshot(&client, "body", "3-subject").await;

        // Diff version 1 with version 2: the five added lines of the new field.
        client
            .find(Locator::Css("#diff-left"))
            .await
            .expect("left")
            .select_by_value("1")
            .await
            .expect("select 1");
        client
            .find(Locator::Css("#diff-right"))
            .await
            .expect("right")
            .select_by_value("2")
            .await
            .expect("select 2");
        click(&client, "#diff-run").await;
        wait_text(&client, "#diff-summary", "0 lines removed, 5 lines added.").await;
        wait_texts(
            &client,
            "#diff-table tr.row-add td.code.right",
            &[
                "    },",
                "    {",
                "      \"name\": \"note\",",
                "      \"type\": \"string\",",
                "      \"default\": \"\"",
            ],
        )
        .await;
        assert!(texts(&client, "#diff-table tr.row-del").await.is_empty());
        assert_eq!(
            texts(&client, "#diff-table thead th").await,
            ["version 1 (id 1)", "version 2 (id 2)"]
        );
        assert_eq!(
            client.current_url().await.expect("url").fragment(),
            Some("/s/orders-value/diff/1/2")
        );
        screenshot(&client, "#diff", "4-diff").await;

        // A compatible schema (the latest itself, prefilled), then a breaking one.
        click(&client, "#compat-run").await;
        wait_text(&client, "#compat-verdict", "Compatible").await;
        type_into(&client, "#compat-schema", ORDER_BREAKING).await;
        click(&client, "#compat-run").await;
        wait_text(&client, "#compat-verdict", "Incompatible").await;
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        wait_texts(&client, "#compat-messages li", &expected).await;
        screenshot(&client, "#compat-run", "5-compat").await;

        // A diff link opens the diff directly.
        client
            .goto(&format!("{url}/ui/#/s/orders-value/diff/2/1"))
            .await
            .expect("diff link");
        wait_text(&client, "#diff-summary", "5 lines removed, 0 lines added.").await;

        // Protobuf with a reference: shown as written, the reference followed to the
        // referenced subject, which lists who references it.
        type_into(&client, "#search", "").await;
        click(&client, "#subject-list li[data-subject='invoices-value'] a").await;
        wait_text(&client, "#subject-title", "invoices-value").await;
        let proto = wait_text(&client, "#schema-text", "import \"money.proto\";").await;
        assert_eq!(proto.text().await.expect("text"), INVOICE.trim_end());
        wait_texts(
            &client,
            "#references tbody td",
            &["money.proto", "money", "1"],
        )
        .await;
        wait_texts(
            &client,
            ".title .badge",
            &["PROTOBUF", "BACKWARD (global)", "READWRITE (global)"],
        )
        .await;
        screenshot(&client, "body", "6-protobuf").await;
        click(&client, "#references tbody td:nth-child(3) a").await;
        wait_text(&client, "#subject-title", "money").await;
        wait_text(&client, "#schema-text", "message Money").await;
        wait_texts(&client, "#referenced-by li", &["invoices-value version 1"]).await;
        screenshot(&client, "body", "7-referenced-by").await;

        // A data contract: metadata and rules.
        click(&client, "#subject-list li[data-subject='payments-value'] a").await;
        wait_text(&client, "#subject-title", "payments-value").await;
        wait_texts(
            &client,
            ".title .badge",
            &["JSON", "BACKWARD (global)", "READONLY"],
        )
        .await;
        let contract = wait_text(&client, "#contract", "payments-team").await;
        let contract = contract.text().await.expect("text");
        for needle in [
            "owner",
            "PII",
            "checkAmount",
            "CONDITION",
            "WRITE",
            "CEL",
            "message.amount > 0",
            "- / ERROR",
        ] {
            assert!(contract.contains(needle), "{needle} not in {contract}");
        }
        screenshot(&client, "#contract", "8-contract").await;
    })
    .await;
    registry.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_asked_for_and_read_only_cannot_write() {
    let db = TestDb::new(Backend::Sqlite).await;
    let registry = TestRegistry::start_with(db, |config| {
        config
            .with_basic_auth("admin", "admin-secret")
            .with_readonly_basic_auth("reader", "reader-secret")
    })
    .await;
    let admin = reqwest::Client::new();
    let registered = admin
        .post(format!("{}/subjects/orders-value/versions", registry.url))
        .basic_auth("admin", Some("admin-secret"))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .body(json!({ "schema": ORDER_V1 }).to_string())
        .send()
        .await
        .expect("register");
    assert_eq!(registered.status().as_u16(), 200);
    let url = registry.url.clone();
    with_browser(move |client| async move {
        // The page loads; the API refuses it until credentials are given.
        client.goto(&format!("{url}/ui/")).await.expect("open /ui/");
        wait_text(&client, "#banner", "The registry needs credentials").await;
        assert!(texts(&client, "#subject-list li").await.is_empty());
        let form = client.find(Locator::Css("#login")).await.expect("form");
        assert!(form.is_displayed().await.expect("displayed"));
        screenshot(&client, "body", "9-credentials").await;

        // Wrong ones are refused too.
        client
            .find(Locator::Css("#login-scheme"))
            .await
            .expect("scheme")
            .select_by_value("basic")
            .await
            .expect("basic");
        type_into(&client, "#login-user", "reader").await;
        type_into(&client, "#login-password", "wrong").await;
        click(&client, "#login-save").await;
        wait_text(&client, "#banner", "The registry needs credentials").await;

        // Read-only ones read, and check compatibility...
        type_into(&client, "#login-user", "reader").await;
        type_into(&client, "#login-password", "reader-secret").await;
        click(&client, "#login-save").await;
        wait_text(&client, "#who", "user reader").await;
        wait_texts(&client, "#subject-list li .name", &["orders-value"]).await;
        click(&client, "#subject-list li[data-subject='orders-value'] a").await;
        wait_text(&client, "#schema-text", "\"amount\"").await;
        type_into(&client, "#compat-schema", ORDER_V2).await;
        click(&client, "#compat-run").await;
        wait_text(&client, "#compat-verdict", "Compatible").await;
        // ...but cannot register: the API's 403 is shown.
        click(&client, "#register-run").await;
        let refused = wait_text(&client, "#compat-result .error", "read-only credentials cannot POST").await;
        assert_eq!(
            refused.text().await.expect("text"),
            "Forbidden: read-only credentials cannot POST /subjects/orders-value/versions (error 40301)"
        );
        screenshot(&client, "#compat", "10-read-only").await;
    })
    .await;
    // Nothing was registered by the page.
    let versions = admin
        .get(format!("{}/subjects/orders-value/versions", registry.url))
        .basic_auth("admin", Some("admin-secret"))
        .send()
        .await
        .expect("versions");
    assert_eq!(versions.json::<Value>().await.expect("json"), json!([1]));
    registry.finish().await;
}
