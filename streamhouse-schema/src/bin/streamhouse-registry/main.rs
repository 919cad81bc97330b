//! `streamhouse-registry`: the Confluent-compatible schema registry as a standalone server.
//!
//! ```text
//! streamhouse-registry --listen 127.0.0.1:8081 --database sqlite://registry.db
//! streamhouse-registry --database postgres://user:pass@host/db --basic-auth user:secret
//! streamhouse-registry --tls-cert cert.pem --tls-key key.pem --tls-client-ca clients.pem \
//!     --bearer-token "$WRITER_TOKEN" --readonly-bearer-token "$READER_TOKEN"
//! streamhouse-registry --config registry.toml
//! ```

mod config_file;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};
use streamhouse_schema::server::{
    spawn, BasicAuth, BearerToken, RegistryConfig, TlsConfig, DEFAULT_BODY_READ_TIMEOUT,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CLIENT_CONNECTIONS,
};
use tracing_subscriber::EnvFilter;

/// A Confluent-compatible schema registry (the REST API of Confluent Schema Registry: subjects,
/// versions, ids, compatibility, config, modes, references) on SQLite or PostgreSQL.
///
/// Settings come from flags, the environment variables named below, or a TOML file
/// (`--config registry.toml`, keys are the flags' long names: `listen = "0.0.0.0:8081"`,
/// `database = "postgres://..."`, `bearer-token = ["..."]`), in that order of precedence.
///
/// When any of --basic-auth, --readonly-basic-auth, --bearer-token or --readonly-bearer-token
/// is given, every request except /health and the /ui/ files must authenticate (401 / error
/// code 40101 otherwise); read-only credentials may GET, look schemas up and check
/// compatibility, other writes get 403 / 40301. Secrets never appear in logs.
///
/// A schema browser is served at http://HOST:PORT/ui/ (off with --no-ui).
#[derive(Debug, Parser)]
#[command(name = "streamhouse-registry", version)]
struct Args {
    /// Read settings from this TOML file (flags and environment variables take precedence).
    #[arg(long, value_name = "FILE", env = "STREAMHOUSE_REGISTRY_CONFIG")]
    config: Option<PathBuf>,

    /// Address to listen on (port 0 picks a free one).
    #[arg(
        long,
        env = "STREAMHOUSE_REGISTRY_LISTEN",
        default_value = "127.0.0.1:8081"
    )]
    listen: SocketAddr,

    /// Database URL: sqlite://FILE (created when missing), sqlite::memory:, or postgres://...
    #[arg(
        long,
        env = "STREAMHOUSE_REGISTRY_DATABASE",
        default_value = "sqlite://registry.db"
    )]
    database: String,

    /// Require HTTP basic auth with USER:PASSWORD (401 otherwise; /health stays open).
    #[arg(long, env = "STREAMHOUSE_REGISTRY_BASIC_AUTH", hide_env_values = true)]
    basic_auth: Option<BasicAuth>,

    /// Also accept USER:PASSWORD basic auth for reads only (GET, lookups, compatibility).
    #[arg(
        long,
        env = "STREAMHOUSE_REGISTRY_READONLY_BASIC_AUTH",
        hide_env_values = true
    )]
    readonly_basic_auth: Option<BasicAuth>,

    /// Accept `Authorization: Bearer TOKEN` with full access (repeatable; comma-separated
    /// in the environment variable).
    #[arg(
        long = "bearer-token",
        value_name = "TOKEN",
        env = "STREAMHOUSE_REGISTRY_BEARER_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    bearer_tokens: Vec<BearerToken>,

    /// Accept `Authorization: Bearer TOKEN` for reads only (repeatable; comma-separated in
    /// the environment variable).
    #[arg(
        long = "readonly-bearer-token",
        value_name = "TOKEN",
        env = "STREAMHOUSE_REGISTRY_READONLY_BEARER_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    readonly_bearer_tokens: Vec<BearerToken>,

    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(
        long,
        value_name = "PEM",
        env = "STREAMHOUSE_REGISTRY_TLS_CERT",
        requires = "tls_key"
    )]
    tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert.
    #[arg(
        long,
        value_name = "PEM",
        env = "STREAMHOUSE_REGISTRY_TLS_KEY",
        requires = "tls_cert"
    )]
    tls_key: Option<PathBuf>,

    /// Require client certificates signed by a CA in this PEM file (mutual TLS).
    #[arg(
        long,
        value_name = "PEM",
        env = "STREAMHOUSE_REGISTRY_TLS_CLIENT_CA",
        requires = "tls_cert"
    )]
    tls_client_ca: Option<PathBuf>,

    /// Seconds a client has to send request headers (and finish the TLS handshake); also
    /// the idle keep-alive limit. Slower connections are closed.
    #[arg(
        long,
        value_name = "SECS",
        env = "STREAMHOUSE_REGISTRY_HEADER_READ_TIMEOUT_SECS",
        default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    header_read_timeout_secs: u64,

    /// Seconds a client has to send a whole request body (408 and closed otherwise).
    #[arg(
        long,
        value_name = "SECS",
        env = "STREAMHOUSE_REGISTRY_BODY_READ_TIMEOUT_SECS",
        default_value_t = DEFAULT_BODY_READ_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    body_read_timeout_secs: u64,

    /// Most client connections served at once; more wait in the listen backlog.
    #[arg(
        long,
        env = "STREAMHOUSE_REGISTRY_MAX_CLIENT_CONNECTIONS",
        default_value_t = DEFAULT_MAX_CLIENT_CONNECTIONS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    max_client_connections: usize,

    /// Largest accepted request body in bytes (413 / error code 42209 above it).
    #[arg(long, env = "STREAMHOUSE_REGISTRY_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,

    /// Most PostgreSQL connections to open; on SQLite, most read-only connections (all
    /// writes go through one more connection).
    #[arg(
        long,
        env = "STREAMHOUSE_REGISTRY_MAX_CONNECTIONS",
        default_value_t = 16
    )]
    max_connections: u32,

    /// Do not serve the schema browser. By default the registry serves a web page at /ui/ to
    /// browse subjects, versions, references, diffs and data contracts and to check a schema's
    /// compatibility; its static files need no credentials, its API calls need the same ones
    /// as any client (the page asks for them).
    #[arg(long, env = "STREAMHOUSE_REGISTRY_NO_UI")]
    no_ui: bool,

    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "STREAMHOUSE_REGISTRY_LOG_JSON")]
    log_json: bool,
}

fn main() -> ExitCode {
    let mut command = Args::command();
    // Fills in what each argument takes (values or none), which the config file reads.
    command.build();
    let argv = match config_file::with_config_file(&command, std::env::args_os().collect()) {
        Ok(argv) => argv,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let args = match command
        .try_get_matches_from(argv)
        .and_then(|matches| Args::from_arg_matches(&matches))
    {
        Ok(args) => args,
        Err(error) => error.exit(),
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    if args.log_json {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "registry stopped with an error");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), streamhouse_schema::server::ServerError> {
    let mut config = RegistryConfig::new(args.listen, args.database);
    config.basic_auth = args.basic_auth;
    config.readonly_basic_auth = args.readonly_basic_auth;
    config.bearer_tokens = args.bearer_tokens;
    config.readonly_bearer_tokens = args.readonly_bearer_tokens;
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        let mut tls = TlsConfig::new(cert, key);
        tls.client_ca_path = args.tls_client_ca;
        config.tls = Some(tls);
    }
    config.header_read_timeout = Duration::from_secs(args.header_read_timeout_secs);
    config.body_read_timeout = Duration::from_secs(args.body_read_timeout_secs);
    config.max_client_connections = args.max_client_connections;
    config.max_body_bytes = args.max_body_bytes;
    config.max_connections = args.max_connections;
    config.ui = !args.no_ui;
    let server = spawn(config).await?;
    server.run_until(shutdown_signal()).await
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
