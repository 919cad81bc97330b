//! The future every [`Transport`](super::Transport) method returns.
//!
//! Object-safe async traits usually box every future. The embedded log completes its
//! operations synchronously, and boxing would put one allocation on the producer's hot path
//! for nothing, so a [`TransportFuture`] is either an already-computed result or a boxed future
//! for transports that really wait on I/O.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::TransportError;

/// The result of a transport operation, available now or later.
pub struct TransportFuture<'a, T>(Inner<'a, T>);

enum Inner<'a, T> {
    Ready(Option<Result<T, TransportError>>),
    Boxed(Pin<Box<dyn Future<Output = Result<T, TransportError>> + Send + 'a>>),
}

impl<'a, T> TransportFuture<'a, T> {
    /// A future that resolves to `result` on first poll without allocating.
    pub fn ready(result: Result<T, TransportError>) -> Self {
        TransportFuture(Inner::Ready(Some(result)))
    }

    /// The result if the operation has already completed (the embedded log's always have),
    /// else the future itself, to be awaited. Lets callers skip a poll on their hot path.
    pub fn into_ready(self) -> Result<Result<T, TransportError>, Self> {
        match self.0 {
            Inner::Ready(Some(result)) => Ok(result),
            other => Err(TransportFuture(other)),
        }
    }

    /// Wraps a future that really has to wait (network I/O, a blocking wait for records).
    pub fn boxed<F>(future: F) -> Self
    where
        F: Future<Output = Result<T, TransportError>> + Send + 'a,
    {
        TransportFuture(Inner::Boxed(Box::pin(future)))
    }
}

impl<T: Unpin> Future for TransportFuture<'_, T> {
    type Output = Result<T, TransportError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().0 {
            Inner::Ready(result) => Poll::Ready(
                result
                    .take()
                    .unwrap_or(Err(TransportError::PolledAfterCompletion)),
            ),
            Inner::Boxed(future) => future.as_mut().poll(cx),
        }
    }
}

impl<T> fmt::Debug for TransportFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Ready(_) => f.write_str("TransportFuture::Ready"),
            Inner::Boxed(_) => f.write_str("TransportFuture::Boxed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ready_future_yields_its_value() {
        let value = TransportFuture::ready(Ok(7_i64)).await;
        assert_eq!(value, Ok(7));
    }

    #[tokio::test]
    async fn boxed_future_yields_the_inner_result() {
        let future = TransportFuture::boxed(async {
            Err::<i64, _>(TransportError::UnknownTopic("t".into()))
        });
        assert_eq!(future.await, Err(TransportError::UnknownTopic("t".into())));
    }

    #[tokio::test]
    async fn only_ready_futures_give_their_result_without_a_poll() {
        assert_eq!(
            TransportFuture::ready(Ok(3_i64)).into_ready().ok(),
            Some(Ok(3))
        );
        let Err(pending) = TransportFuture::boxed(async { Ok(4_i64) }).into_ready() else {
            panic!("a boxed future is never ready without a poll");
        };
        assert_eq!(pending.await, Ok(4));
    }

    #[test]
    fn ready_future_polled_twice_reports_it_instead_of_panicking() {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut future = TransportFuture::ready(Ok(1_i32));
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(Ok(1)));
        assert_eq!(
            Pin::new(&mut future).poll(&mut cx),
            Poll::Ready(Err(TransportError::PolledAfterCompletion))
        );
    }
}
