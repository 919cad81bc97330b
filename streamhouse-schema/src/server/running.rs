//! Starting a registry in-process: bind (port 0 allowed), serve in a task, shut down gracefully.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::config::{redact_url, RegistryConfig};
use super::error::ServerError;
use super::metrics::RequestCounter;
use super::routes::router;
use super::state::AppState;

/// A registry serving in a background task. Dropping it without [`shutdown`](Self::shutdown)
/// also stops the server (the shutdown signal fires when the sender is dropped).
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
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
/// Database connection or migration failures, or an address that cannot be bound.
pub async fn spawn(config: RegistryConfig) -> Result<RunningServer, ServerError> {
    let listen = config.listen;
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
        auth = state.config().basic_auth.is_some(),
        "schema registry listening"
    );
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                // Fires on an explicit shutdown and when the handle is dropped.
                let _ = stopped.await;
            })
            .await
            .map_err(ServerError::Serve)
    });
    Ok(RunningServer {
        addr,
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

    /// `http://ADDR`, the base URL for clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The per-route request counts.
    pub fn requests(&self) -> RequestCounter {
        self.state.requests()
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
