//! Load and kill -9 runs against the registry server, with figures.
//!
//! ```text
//! # 60 s, 64 clients, 1,000 subjects, on a SQLite file (in-process server, own runtime):
//! cargo run --release --features server --example registry_load -- --seconds 60
//! # the same on PostgreSQL (a fresh schema is made and dropped), or three instances on it:
//! cargo run --release --features server --example registry_load -- --seconds 60 \
//!     --database postgres://streamhouse:streamhouse@127.0.0.1:5432/streamhouse [--instances 3]
//! # registrations/s at concurrency 1, 16, 64 (every request a new schema, so a write):
//! cargo run --release --features server --example registry_load -- --register-only \
//!     --seconds 10 --clients 16
//! # 10 × SIGKILL of the streamhouse-registry binary under load, restarted each time:
//! cargo build --release --features server --bin streamhouse-registry
//! cargo run --release --features server --example registry_load -- --kills 10 [--database ...]
//! ```
//!
//! It exits non-zero when a request failed (other than to a killed server) or when an
//! acknowledged registration is missing or changed.

#[path = "../tests/load/mod.rs"]
mod load;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use load::verify::{verify, Verification};
use load::{LoadConfig, Mix, Targets};
use streamhouse_schema::server::{spawn, RegistryConfig};

/// Runs a bounded load against registry instances on loopback and checks what it acknowledged.
#[derive(Debug, Parser)]
struct Args {
    /// sqlite://FILE or postgres://...; default: a SQLite file in a temporary directory.
    /// On PostgreSQL a fresh schema is created for the run and dropped after it.
    #[arg(long)]
    database: Option<String>,
    /// How long the load runs (kill runs stop earlier, after their last round).
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Subjects the load spreads over.
    #[arg(long, default_value_t = 1000)]
    subjects: u32,
    /// Distinct schemas per subject (mixed load).
    #[arg(long, default_value_t = 5)]
    versions_per_subject: u32,
    /// Upper bound of requests per client.
    #[arg(long, default_value_t = 1_000_000)]
    requests_per_client: u64,
    /// Send only registrations of new schemas.
    #[arg(long)]
    register_only: bool,
    /// In-process server instances sharing the database (PostgreSQL, or SQLite file).
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// SIGKILL the registry binary this many times during the load, restarting it each time.
    #[arg(long, default_value_t = 0)]
    kills: usize,
    /// The streamhouse-registry binary for --kills; default: next to this example's directory.
    #[arg(long)]
    registry_bin: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = LoadConfig {
        clients: args.clients,
        subjects: args.subjects,
        versions_per_subject: args.versions_per_subject,
        requests_per_client: args.requests_per_client,
        duration: Duration::from_secs(args.seconds),
        mix: if args.register_only {
            Mix::RegisterOnly
        } else {
            Mix::Mixed
        },
        seed: 1,
    };
    let server_runtime = tokio::runtime::Runtime::new().expect("server runtime");
    let scratch = tempfile::tempdir().expect("temporary directory");
    let (database, pg_schema) = match args.database.clone() {
        Some(url) if url.starts_with("postgres") => {
            let (scoped, schema) = server_runtime.block_on(fresh_pg_schema(&url));
            (scoped, Some((url, schema)))
        }
        Some(url) => (url, None),
        None => (
            format!("sqlite://{}", scratch.path().join("registry.db").display()),
            None,
        ),
    };
    println!(
        "load: {} clients, {} subjects, {:?}, {} s, database {}",
        config.clients,
        config.subjects,
        config.mix,
        args.seconds,
        streamhouse_schema::server::redact_url(&database)
    );
    let ok = if args.kills > 0 {
        run_kills(&args, &database, config)
    } else {
        run_in_process(&args, &database, config, &server_runtime)
    };
    if let Some((url, schema)) = pg_schema {
        server_runtime.block_on(drop_pg_schema(&url, &schema));
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_in_process(
    args: &Args,
    database: &str,
    config: LoadConfig,
    server_runtime: &tokio::runtime::Runtime,
) -> bool {
    let instances: Vec<_> = (0..args.instances.max(1))
        .map(|_| {
            let config = RegistryConfig::new("127.0.0.1:0".parse().expect("addr"), database);
            server_runtime
                .block_on(spawn(config))
                .expect("start the registry")
        })
        .collect();
    let urls: Vec<String> = instances.iter().map(|i| i.url()).collect();
    let subjects = config.subjects;
    let (report, ledger) = load::start(config, Targets::new(urls.clone())).join();
    println!("{report}");
    let verification = verify(&urls, &ledger, subjects);
    for instance in instances {
        server_runtime
            .block_on(instance.shutdown())
            .expect("shutdown");
    }
    let violations = ledger.violations();
    summarize(&verification, ledger.acknowledgements(), &violations)
        && report.failed() == 0
        && report.unavailable() == 0
}

fn run_kills(args: &Args, database: &str, config: LoadConfig) -> bool {
    let binary = args.registry_bin.clone().unwrap_or_else(|| {
        let example = std::env::current_exe().expect("own path");
        // target/<profile>/examples/registry_load → target/<profile>/streamhouse-registry
        example
            .parent()
            .and_then(|examples| examples.parent())
            .map(|profile| profile.join("streamhouse-registry"))
            .expect("the target directory")
    });
    let report = load::kill::run(&binary, database, args.kills, config);
    println!("{}", report.load);
    println!("kills: {}", report.kills);
    summarize(
        &report.verification,
        report.acknowledgements,
        &report.violations,
    ) && report.load.failed() == 0
}

fn summarize(verification: &Verification, answers: u64, violations: &[String]) -> bool {
    println!(
        "acknowledged {} distinct registrations ({answers} answers), present {}; \
         the server holds {} versions under {} ids",
        verification.acknowledged,
        verification.present,
        verification.versions_on_server,
        verification.ids_on_server
    );
    for problem in violations.iter().chain(&verification.problems).take(20) {
        println!("PROBLEM: {problem}");
    }
    violations.is_empty()
        && verification.problems.is_empty()
        && verification.present == verification.acknowledged
}

/// Creates a schema for this run; the URL that uses it.
async fn fresh_pg_schema(url: &str) -> (String, String) {
    use sqlx::Connection;
    let schema = format!("load_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .await
        .expect("drop an old schema");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await
        .expect("create the schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    (
        format!("{url}{separator}options=-c%20search_path%3D{schema}"),
        schema,
    )
}

async fn drop_pg_schema(url: &str, schema: &str) {
    use sqlx::Connection;
    if let Ok(mut admin) = sqlx::PgConnection::connect(url).await {
        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut admin)
            .await;
    }
}
