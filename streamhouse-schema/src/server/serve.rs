//! The accept loop, in place of `axum::serve`, for the protections it lacks:
//!
//! - a cap on open connections: a permit is taken before each `accept`, so at the cap new
//!   clients wait in the kernel's listen backlog instead of using file descriptors;
//! - a header read timeout (hyper's, which also bounds idle keep-alive connections) and the
//!   same bound on the TLS handshake;
//! - optional TLS.
//!
//! Shutdown is graceful as with `axum::serve`: stop accepting, let each connection finish
//! its in-flight request, then return.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;

use super::error::ServerError;

/// How many client connections are open now, and the most that were open at once.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectionGauge {
    inner: Arc<GaugeInner>,
}

#[derive(Debug, Default)]
struct GaugeInner {
    open: AtomicUsize,
    peak: AtomicUsize,
}

impl ConnectionGauge {
    /// Connections open now.
    pub(crate) fn open(&self) -> usize {
        self.inner.open.load(Ordering::Relaxed)
    }

    /// The most connections that were open at once.
    pub(crate) fn peak(&self) -> usize {
        self.inner.peak.load(Ordering::Relaxed)
    }

    /// Counts one connection until the returned guard is dropped.
    fn enter(&self) -> GaugeGuard {
        let open = self.inner.open.fetch_add(1, Ordering::Relaxed) + 1;
        self.inner.peak.fetch_max(open, Ordering::Relaxed);
        GaugeGuard(self.clone())
    }
}

struct GaugeGuard(ConnectionGauge);

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        self.0.inner.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Connection-level settings of one server.
#[derive(Clone)]
pub(crate) struct ServeOptions {
    /// Time allowed for request headers and the TLS handshake.
    pub(crate) header_read_timeout: Duration,
    /// Most connections served at once (at least 1).
    pub(crate) max_connections: usize,
    /// TLS, when configured.
    pub(crate) tls: Option<TlsAcceptor>,
    /// Where open connections are counted.
    pub(crate) gauge: ConnectionGauge,
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains connections.
///
/// # Errors
/// None today: accept errors are logged and retried, as `axum::serve` does. The `Result`
/// leaves room for fatal listener errors.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServerError> {
    let permits = Arc::new(Semaphore::new(options.max_connections.max(1)));
    // Connections watch `stop` to start their graceful shutdown; each holds a `done`
    // receiver, so `done_tx.closed()` resolves when the last one has finished.
    let (stop_tx, stop_rx) = watch::channel(());
    let (done_tx, done_rx) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
            () = &mut shutdown => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _remote)) => stream,
            Err(error) => {
                if !is_connection_error(&error) {
                    // E.g. EMFILE: wait for descriptors to free up rather than spin.
                    tracing::error!(%error, "accept failed; retrying in 1s");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => {},
                        () = &mut shutdown => break,
                    }
                }
                continue;
            }
        };
        let connection = Connection {
            _counted: options.gauge.enter(),
            app: app.clone(),
            options: options.clone(),
            stop: stop_rx.clone(),
            _done: done_rx.clone(),
            _permit: permit,
        };
        tokio::spawn(connection.run(stream));
    }
    drop(listener);
    drop(done_rx);
    drop(stop_rx);
    // Wakes every connection's graceful shutdown.
    let _ = stop_tx.send(());
    done_tx.closed().await;
    Ok(())
}

/// Errors of one failed connection attempt, which say nothing about the listener.
fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// One accepted connection and what it holds until it closes.
struct Connection {
    app: Router,
    options: ServeOptions,
    stop: watch::Receiver<()>,
    _done: watch::Receiver<()>,
    _permit: OwnedSemaphorePermit,
    _counted: GaugeGuard,
}

impl Connection {
    async fn run(self, stream: TcpStream) {
        // Registry requests and answers are small: send them without Nagle's delay.
        let _ = stream.set_nodelay(true);
        match self.options.tls.clone() {
            None => self.serve_http(stream).await,
            Some(acceptor) => {
                let timeout = self.options.header_read_timeout;
                match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => self.serve_http(stream).await,
                    Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                    Err(_elapsed) => tracing::debug!(?timeout, "TLS handshake timed out"),
                }
            }
        }
    }

    async fn serve_http<I>(mut self, io: I)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let service = TowerToHyperService::new(self.app.clone());
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.options.header_read_timeout);
        let connection = builder.serve_connection(TokioIo::new(io), service);
        tokio::pin!(connection);
        tokio::select! {
            result = connection.as_mut() => return log_end(result),
            _ = self.stop.changed() => {}
        }
        // Finishes the request in flight (if any), then closes.
        connection.as_mut().graceful_shutdown();
        log_end(connection.await);
    }
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended with an error");
    }
}
