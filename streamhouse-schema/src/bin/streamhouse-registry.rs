//! `streamhouse-registry`: the Confluent-compatible schema registry as a standalone server.
//!
//! ```text
//! streamhouse-registry --listen 127.0.0.1:8081 --database sqlite://registry.db
//! streamhouse-registry --database postgres://user:pass@host/db --basic-auth user:secret
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use streamhouse_schema::server::{spawn, BasicAuth, RegistryConfig, DEFAULT_MAX_BODY_BYTES};
use tracing_subscriber::EnvFilter;

/// A Confluent-compatible schema registry backed by SQLite or PostgreSQL.
#[derive(Debug, Parser)]
#[command(name = "streamhouse-registry", version, about)]
struct Args {
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

    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "STREAMHOUSE_REGISTRY_LOG_JSON")]
    log_json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
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
    config.max_body_bytes = args.max_body_bytes;
    config.max_connections = args.max_connections;
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
