//! The `streamhouse-registry` binary: `--help`, flags and env config, JSON logs with the bound
//! address, basic auth, TLS and bearer tokens from the environment, graceful shutdown on
//! SIGTERM, and data kept across restarts.
#![cfg(feature = "server")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_streamhouse-registry");

#[test]
fn help_lists_every_flag_and_env_var() {
    let output = Command::new(BIN)
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    // The server, not the library, is described.
    assert!(
        help.contains("Confluent-compatible schema registry"),
        "{help}"
    );
    assert!(!help.contains("Derive Avro"), "{help}");
    for needle in [
        "--config",
        "STREAMHOUSE_REGISTRY_CONFIG",
        "--listen",
        "--database",
        "--basic-auth",
        "--max-body-bytes",
        "STREAMHOUSE_REGISTRY_LISTEN",
        "STREAMHOUSE_REGISTRY_DATABASE",
        "STREAMHOUSE_REGISTRY_BASIC_AUTH",
        "--readonly-basic-auth",
        "--bearer-token",
        "--readonly-bearer-token",
        "--tls-cert",
        "--tls-key",
        "--tls-client-ca",
        "--header-read-timeout-secs",
        "--body-read-timeout-secs",
        "--max-client-connections",
        "STREAMHOUSE_REGISTRY_READONLY_BASIC_AUTH",
        "STREAMHOUSE_REGISTRY_BEARER_TOKENS",
        "STREAMHOUSE_REGISTRY_READONLY_BEARER_TOKENS",
        "STREAMHOUSE_REGISTRY_TLS_CERT",
        "STREAMHOUSE_REGISTRY_TLS_KEY",
        "STREAMHOUSE_REGISTRY_TLS_CLIENT_CA",
        "STREAMHOUSE_REGISTRY_HEADER_READ_TIMEOUT_SECS",
        "STREAMHOUSE_REGISTRY_BODY_READ_TIMEOUT_SECS",
        "STREAMHOUSE_REGISTRY_MAX_CLIENT_CONNECTIONS",
        "--no-ui",
        "STREAMHOUSE_REGISTRY_NO_UI",
        "/ui/",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[test]
fn bad_flags_fail_with_a_message() {
    let output = Command::new(BIN)
        .args(["--basic-auth", "no-colon"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("USER:PASSWORD"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (args, message) in [
        (&["--tls-cert", "cert.pem"][..], "--tls-key"),
        (&["--bearer-token", "has space"][..], "visible ASCII"),
        (
            &["--max-client-connections", "0"][..],
            "--max-client-connections",
        ),
        (
            &["--header-read-timeout-secs", "0"][..],
            "--header-read-timeout-secs",
        ),
    ] {
        let output = Command::new(BIN).args(args).output().expect("run");
        assert!(!output.status.success(), "{args:?} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let output = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--database", "mysql://x"])
        .output()
        .expect("run");
    assert!(
        !output.status.success(),
        "an unsupported database must fail"
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("unsupported database URL"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

/// Settings from a TOML file: the file's basic auth is enforced, a flag on the command line
/// wins over the file, and a bad file fails at start naming the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_from_a_toml_config_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("registry.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:1\"\ndatabase = \"sqlite://{}\"\nbasic_auth = \"ops:secret\"\nmax-body-bytes = 4096\nlog-json = true\n",
            dir.path().join("r.db").display()
        ),
    )
    .expect("write the config");
    let config = config.to_string_lossy().into_owned();
    // The command line's --listen wins over the file's (port 1 would fail to bind).
    let registry = start_args(&["--config", &config, "--listen", "127.0.0.1:0"], &[]);
    let http = reqwest::Client::new();
    let anonymous = http
        .get(format!("{}/subjects", registry.url))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status(), 401);
    let authorized = http
        .get(format!("{}/subjects", registry.url))
        .basic_auth("ops", Some("secret"))
        .send()
        .await
        .expect("GET");
    assert_eq!(authorized.status(), 200);
    // max-body-bytes = 4096 from the file: a larger body is 413.
    let big = http
        .post(format!("{}/subjects/x-value/versions", registry.url))
        .basic_auth("ops", Some("secret"))
        .header("Content-Type", "application/json")
        .body(format!("{{\"schema\":\"{}\"}}", "x".repeat(5000)))
        .send()
        .await
        .expect("POST");
    assert_eq!(big.status(), 413);
    terminate(registry);

    for (text, message) in [
        ("no_such_flag = 1\n", "unknown key \"no_such_flag\""),
        (
            "listen = [1.5]\n",
            "must be a string, an integer or a boolean",
        ),
        ("listen = \"not an address\"\n", "--listen"),
        ("listen = \n", "not valid TOML"),
    ] {
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, text).expect("write");
        let output = Command::new(BIN)
            .args(["--config", &bad.to_string_lossy()])
            .env_remove("STREAMHOUSE_REGISTRY_LISTEN")
            .output()
            .expect("run");
        assert!(!output.status.success(), "{text:?} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{text:?}: {stderr}");
    }
}

/// The schema browser is on by default and off with `--no-ui`, `STREAMHOUSE_REGISTRY_NO_UI`
/// or `no-ui = true` in the config file (404, the API unchanged).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_ui_turns_the_schema_browser_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("r.db").display());
    let config = dir.path().join("registry.toml");
    std::fs::write(&config, "no-ui = true\n").expect("write the config");
    let config = config.to_string_lossy().into_owned();
    let http = reqwest::Client::new();
    let status = |registry: &Registry, path: &str| {
        let request = http.get(format!("{}{path}", registry.url)).send();
        async move { request.await.expect("GET").status().as_u16() }
    };
    let default = start_with(&database, &[]);
    assert_eq!(status(&default, "/ui/").await, 200);
    assert_eq!(status(&default, "/ui/app.js").await, 200);
    terminate(default);
    for registry in [
        start_args(
            &[
                "--log-json",
                "--no-ui",
                "--listen",
                "127.0.0.1:0",
                "--database",
                &database,
            ],
            &[],
        ),
        start_with(&database, &[("STREAMHOUSE_REGISTRY_NO_UI", "true")]),
        start_args(
            &[
                "--log-json",
                "--config",
                &config,
                "--listen",
                "127.0.0.1:0",
                "--database",
                &database,
            ],
            &[],
        ),
    ] {
        assert_eq!(status(&registry, "/ui/").await, 404);
        assert_eq!(status(&registry, "/ui/app.js").await, 404);
        assert_eq!(status(&registry, "/subjects").await, 200);
        terminate(registry);
    }
}

/// A started binary and the address it reported.
struct Registry {
    child: Child,
    url: String,
    /// Collects the log lines until the process exits.
    log: std::thread::JoinHandle<Vec<String>>,
}

/// Starts the binary (config through env vars) and reads the bound address from its JSON log.
fn start(database: &str, basic_auth: Option<&str>) -> Registry {
    match basic_auth {
        Some(auth) => start_with(database, &[("STREAMHOUSE_REGISTRY_BASIC_AUTH", auth)]),
        None => start_with(database, &[]),
    }
}

/// Starts the binary with extra environment variables; the URL is `https://` when
/// `STREAMHOUSE_REGISTRY_TLS_CERT` is among them.
fn start_with(database: &str, env: &[(&str, &str)]) -> Registry {
    let mut all = vec![
        ("STREAMHOUSE_REGISTRY_LISTEN", "127.0.0.1:0"),
        ("STREAMHOUSE_REGISTRY_DATABASE", database),
    ];
    all.extend_from_slice(env);
    start_args(&["--log-json"], &all)
}

/// Starts the binary with `args` and extra environment variables.
fn start_args(args: &[&str], env: &[(&str, &str)]) -> Registry {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    command.envs(env.iter().copied());
    let scheme = if env
        .iter()
        .any(|(name, _)| *name == "STREAMHOUSE_REGISTRY_TLS_CERT")
    {
        "https"
    } else {
        "http"
    };
    let mut child = command.spawn().expect("start the registry binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = match lines.next() {
            Some(Ok(line)) => line,
            _ => panic!("the registry exited before reporting its address"),
        };
        let Ok(event) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if event["fields"]["message"] == json!("schema registry listening") {
            let addr = event["fields"]["addr"]
                .as_str()
                .expect("addr field")
                .to_string();
            break format!("{scheme}://{addr}");
        }
    };
    // Keep draining the log so the child never blocks on a full pipe.
    let log = std::thread::spawn(move || lines.map_while(Result::ok).collect());
    Registry { child, url, log }
}

/// Stops the binary with SIGTERM, expects a clean exit, and returns its whole log.
fn terminate(mut registry: Registry) -> Vec<String> {
    let status = Command::new("kill")
        .args(["-TERM", &registry.child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    let exit = registry.child.wait().expect("wait for the registry");
    assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
    registry.log.join().expect("log reader")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_stops_on_sigterm_and_keeps_data() {
    let dir = std::env::temp_dir().join(format!("streamhouse_registry_bin_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let database = format!("sqlite://{}", dir.join("registry.db").display());
    let client = reqwest::Client::new();

    let registry = start(&database, Some("ops:pa55"));
    let unauthorized = client
        .get(format!("{}/subjects", registry.url))
        .send()
        .await
        .expect("request");
    assert_eq!(unauthorized.status(), 401);
    let registered: Value = client
        .post(format!("{}/subjects/orders-value/versions", registry.url))
        .basic_auth("ops", Some("pa55"))
        .json(&json!({ "schema": "\"string\"" }))
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("json");
    assert_eq!(registered, json!({ "id": 1 }));
    terminate(registry);

    // Same database, no auth this time: the schema is still there.
    let registry = start(&database, None);
    let subjects: Value = client
        .get(format!("{}/schemas/subjects", registry.url))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(subjects, json!(["orders-value"]));
    let schema: Value = client
        .get(format!("{}/schemas/ids/1", registry.url))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(schema, json!({ "schema": "\"string\"" }));
    terminate(registry);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_and_tokens_from_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
    let server_key = rcgen::KeyPair::generate().expect("key");
    let server_cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .expect("params")
        .signed_by(&server_key, &ca)
        .expect("certificate");
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, server_cert.pem()).expect("write");
    std::fs::write(&key_path, server_key.serialize_pem()).expect("write");

    let registry = start_with(
        "sqlite::memory:",
        &[
            (
                "STREAMHOUSE_REGISTRY_TLS_CERT",
                cert_path.to_str().expect("path"),
            ),
            (
                "STREAMHOUSE_REGISTRY_TLS_KEY",
                key_path.to_str().expect("path"),
            ),
            ("STREAMHOUSE_REGISTRY_BEARER_TOKENS", "writer-1,writer-2"),
            ("STREAMHOUSE_REGISTRY_READONLY_BEARER_TOKENS", "reader-1"),
            ("RUST_LOG", "debug"),
        ],
    );
    assert!(registry.url.starts_with("https://"), "{}", registry.url);
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca.pem().as_bytes()).expect("CA"))
        .build()
        .expect("client");
    let register = |token: &'static str| {
        client
            .post(format!("{}/subjects/orders-value/versions", registry.url))
            .bearer_auth(token)
            .json(&json!({ "schema": "\"string\"" }))
            .send()
    };
    assert_eq!(register("reader-1").await.expect("request").status(), 403);
    assert_eq!(register("writer-2").await.expect("request").status(), 200);
    assert_eq!(register("unknown").await.expect("request").status(), 401);
    let subjects: Value = client
        .get(format!("{}/subjects", registry.url))
        .bearer_auth("reader-1")
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(subjects, json!(["orders-value"]));
    let log = terminate(registry).join("\n");
    // Rejections were logged (at debug), secrets never.
    assert!(log.contains("missing or invalid credentials"), "{log}");
    assert!(
        log.contains("write refused to read-only credentials"),
        "{log}"
    );
    for secret in ["writer-1", "writer-2", "reader-1", "Bearer"] {
        assert!(!log.contains(secret), "{secret} logged");
    }
}
