//! kill -9: the `streamhouse-registry` binary is SIGKILLed three times under load and
//! restarted on the same database each time; every acknowledged registration survives with
//! its id and version, and no id names two schemas. The 10-kill run is
//! `cargo run --example registry_load -- --kills 10` (see that example).
#![cfg(feature = "server")]

mod load;
mod server_common;

use std::path::PathBuf;

use load::LoadConfig;
use server_common::{Backend, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_streamhouse-registry");

async fn three_kills_lose_nothing_acknowledged(backend: Backend) {
    let db = TestDb::new(backend).await;
    let url = db.url.clone();
    let config = LoadConfig {
        clients: 16,
        subjects: 200,
        versions_per_subject: 3,
        // Bounds the run; the scenario stops the load well before on a working machine.
        requests_per_client: 5_000,
        duration: std::time::Duration::from_secs(120),
        ..LoadConfig::default()
    };
    let report =
        tokio::task::spawn_blocking(move || load::kill::run(&PathBuf::from(BIN), &url, 3, config))
            .await
            .expect("the kill scenario");
    println!("{}", report.load);
    let v = &report.verification;
    println!(
        "kills {}; acknowledged {} (answers {}), present {}, versions on server {}, ids {}",
        report.kills,
        v.acknowledged,
        report.acknowledgements,
        v.present,
        v.versions_on_server,
        v.ids_on_server
    );
    assert_eq!(report.kills, 3);
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert_eq!(report.load.failed(), 0, "{:?}", report.load.failure_samples);
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert!(v.acknowledged > 0);
    assert_eq!(v.present, v.acknowledged);
    // A registration can commit without its answer arriving (killed in between), so the
    // server may hold more than was acknowledged, never less; every version has its own id.
    assert!(v.versions_on_server >= v.acknowledged, "{v:?}");
    assert_eq!(v.ids_on_server, v.versions_on_server);
    db.remove().await;
}

on_both_backends!(three_kills_lose_nothing_acknowledged);
