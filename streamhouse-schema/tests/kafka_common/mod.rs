//! A `tansu` broker (an independent Kafka-protocol implementation) on 127.0.0.1, with
//! in-memory storage or on a SQLite file that survives a restart, for the tests that need a
//! real broker process. Installed by `scripts/setup-kafka.sh`; the binary is `$TANSU_BIN`,
//! else `tansu` on `PATH`.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the broker may take to listen.
pub const WAIT: Duration = Duration::from_secs(30);

/// A tansu broker process, killed when dropped.
pub struct Tansu {
    child: Child,
    pub bootstrap: String,
}

impl Tansu {
    /// Kills the broker with SIGKILL (no shutdown of its own) and reaps it.
    #[allow(dead_code)]
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Tansu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tansu_binary() -> String {
    std::env::var("TANSU_BIN").unwrap_or_else(|_| "tansu".to_string())
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Starts tansu with in-memory storage on a free loopback port and waits until it accepts
/// connections.
#[allow(dead_code)]
pub fn start_tansu() -> Tansu {
    start_tansu_with(free_port(), "memory://tansu/", Path::new("."))
}

/// Starts tansu on `port` with the storage engine `storage` (`memory://tansu/`, or
/// `sqlite://<file>` where tansu takes the file relative to `dir`, its working directory)
/// and waits until it accepts connections.
pub fn start_tansu_with(port: u16, storage: &str, dir: &Path) -> Tansu {
    let url = format!("tcp://127.0.0.1:{port}");
    let child = Command::new(tansu_binary())
        .current_dir(dir)
        .args([
            "broker",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
            "--storage-engine",
            storage,
            "--silent",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "cannot start {:?} ({err}): run scripts/setup-kafka.sh or set TANSU_BIN",
                tansu_binary()
            )
        });
    let mut broker = Tansu {
        child,
        bootstrap: format!("127.0.0.1:{port}"),
    };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + WAIT;
    while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
        if let Ok(Some(status)) = broker.child.try_wait() {
            panic!("tansu exited before listening: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "tansu did not listen on {address} within {WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    broker
}
