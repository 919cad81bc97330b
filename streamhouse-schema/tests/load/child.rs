//! The `streamhouse-registry` binary as a child process: started on a database, its bound
//! address read from its JSON log, and killed with SIGKILL (no shutdown code runs).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A running registry process.
pub struct ChildRegistry {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl ChildRegistry {
    /// Starts `binary` on `database`, listening on an ephemeral loopback port.
    ///
    /// # Panics
    /// When the process cannot start or exits before reporting its address.
    pub fn start(binary: &Path, database: &str) -> ChildRegistry {
        let mut child = Command::new(binary)
            .args([
                "--log-json",
                "--listen",
                "127.0.0.1:0",
                "--database",
                database,
            ])
            // Only the "listening" line is needed; per-request logs would just fill the pipe.
            .env("RUST_LOG", "warn,streamhouse_schema::server::running=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", binary.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let Some(Ok(line)) = lines.next() else {
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                panic!("the registry exited ({status}) before reporting its address");
            };
            let Ok(event) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if event["fields"]["message"] == "schema registry listening" {
                let addr = event["fields"]["addr"].as_str().expect("addr field");
                break format!("http://{addr}");
            }
        };
        // Keep draining the log so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ChildRegistry { child, url }
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL the registry");
        self.child.wait().expect("reap the registry");
    }
}

impl Drop for ChildRegistry {
    fn drop(&mut self) {
        // A panicking test must not leave a server behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
