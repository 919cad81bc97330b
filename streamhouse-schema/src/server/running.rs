//! Starting a registry in-process: load TLS, bind (port 0 allowed), serve in a task with the
//! connection limits, shut down gracefully.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::config::{redact_url, RegistryConfig};
use super::error::ServerError;
use super::metrics::RequestCounter;
use super::routes::router;
use super::serve::{serve, ConnectionGauge, ServeOptions};
use super::state::AppState;

/// A registry serving in a background task. Dropping it without [`shutdown`](Self::shutdown)
/// also stops the server (the shutdown signal fires when the sender is dropped).
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    tls: bool,
    connections: ConnectionGauge,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

/// Connects the database, binds `config.listen` and serves the registry in a background task.
///
/// ```no_run
/// # async fn demo() -> Result<(), streamhouse_schema::server::ServerError> {
/// use streamhouse_schema::server::{spawn, RegistryConfig};
///
/// let server = spawn(RegistryConfig::in_memory()).await?;
/// println!("registry at {}", server.url());
/// server.shutdown().await?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// Unreadable TLS files, database connection or migration failures, or an address that
/// cannot be bound.
pub async fn spawn(config: RegistryConfig) -> Result<RunningServer, ServerError> {
    let listen = config.listen;
    // TLS first: a bad certificate path should not leave a migrated database behind.
    let tls = match &config.tls {
        Some(tls) => Some(tokio_rustls::TlsAcceptor::from(tls.server_config()?)),
        None => None,
    };
    let options = ServeOptions {
        header_read_timeout: config.header_read_timeout,
        max_connections: config.max_client_connections,
        tls,
        gauge: ConnectionGauge::default(),
    };
    let state = AppState::connect(config).await?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: listen,
        source,
    })?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router(state.clone());
    tracing::info!(
        %addr,
        database = %redact_url(&state.config().database_url),
        backend = state.store().backend_name(),
        auth = state.config().auth_enabled(),
        tls = options.tls.is_some(),
        mtls = state.config().tls.as_ref().is_some_and(|tls| tls.client_ca_path.is_some()),
        max_client_connections = options.max_connections,
        "schema registry listening"
    );
    let tls = options.tls.is_some();
    let connections = options.gauge.clone();
    let task = tokio::spawn(serve(listener, app, options, async move {
        // Fires on an explicit shutdown and when the handle is dropped.
        let _ = stopped.await;
    }));
    Ok(RunningServer {
        addr,
        tls,
        connections,
        state,
        stop: Some(stop),
        task: Some(task),
    })
}

impl RunningServer {
    /// The address the server is bound to (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` (`https://ADDR` with TLS), the base URL for clients.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The per-route request counts.
    pub fn requests(&self) -> RequestCounter {
        self.state.requests()
    }

    /// Client connections open now.
    pub fn open_connections(&self) -> usize {
        self.connections.open()
    }

    /// The most client connections that were open at once (never above
    /// `max_client_connections`).
    pub fn peak_connections(&self) -> usize {
        self.connections.peak()
    }

    /// All requests received so far.
    pub fn request_count(&self) -> u64 {
        self.state.requests().total()
    }

    /// Stops accepting connections, lets in-flight requests finish, then closes the database.
    ///
    /// # Errors
    /// [`ServerError::Serve`] if serving had failed, [`ServerError::Task`] if the task panicked.
    pub async fn shutdown(mut self) -> Result<(), ServerError> {
        self.stop_and_wait().await
    }

    /// Serves until the server stops (after [`spawn`]; used by the binary with a signal).
    ///
    /// # Errors
    /// As [`shutdown`](Self::shutdown).
    pub async fn run_until<F>(mut self, signal: F) -> Result<(), ServerError>
    where
        F: std::future::Future<Output = ()>,
    {
        signal.await;
        tracing::info!("shutting down");
        self.stop_and_wait().await
    }

    async fn stop_and_wait(&mut self) -> Result<(), ServerError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = match self.task.take() {
            Some(task) => match task.await {
                Ok(result) => result,
                Err(join) => Err(ServerError::Task(join.to_string())),
            },
            None => Ok(()),
        };
        self.state.close().await;
        result
    }
}
