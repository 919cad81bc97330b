//! Keeping the SQLite connection usable after a failed transaction.
//!
//! When a failing statement makes SQLite end the whole transaction by itself (`SQLITE_FULL`
//! on a full disk or an exhausted AUTOINCREMENT, `SQLITE_IOERR`, a trigger's
//! `RAISE(ROLLBACK)`...), sqlx still counts the transaction as open: the `ROLLBACK` it
//! queues when the `Transaction` is dropped fails ("no transaction is active") and its
//! depth counter stays at 1. sqlx then refuses every later `BEGIN IMMEDIATE` as a nested
//! transaction, so every write would fail until the connection is replaced, and the
//! registry's single SQLite connection never is. [`after_release`] runs each time the
//! connection goes back to the pool and puts the two back in step.

use std::future::Future;
use std::pin::Pin;

use sqlx::pool::PoolConnectionMetadata;
use sqlx::sqlite::{SqliteConnection, SqliteTransactionManager};
use sqlx::{Connection, Executor, TransactionManager};

/// The future the pool's `after_release` hook returns.
type HookFuture<'c> = Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + 'c>>;

/// The pool's `after_release` hook: when sqlx believes a transaction is still open after
/// its rollback ran, opens a real one so that sqlx's own `ROLLBACK` succeeds and its count
/// returns to 0. Keeps the connection (an in-memory database lives in it).
pub(crate) fn after_release(
    connection: &mut SqliteConnection,
    _metadata: PoolConnectionMetadata,
) -> HookFuture<'_> {
    Box::pin(resynchronise(connection))
}

async fn resynchronise(connection: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    if depth(connection) == 0 {
        return Ok(true);
    }
    // The rollback of a dropped transaction is queued on the connection's worker; a round
    // trip lets it run first.
    connection.ping().await?;
    if depth(connection) == 0 {
        return Ok(true);
    }
    // SQLite is (almost surely) out of any transaction: this BEGIN gives sqlx's ROLLBACK one
    // to end. When SQLite still is in one, BEGIN fails and the ROLLBACK ends that one.
    let _ = connection.execute("BEGIN").await;
    SqliteTransactionManager::rollback(connection).await?;
    tracing::warn!(
        "SQLite ended a failed transaction by itself; the connection was resynchronised"
    );
    Ok(depth(connection) == 0)
}

fn depth(connection: &SqliteConnection) -> usize {
    SqliteTransactionManager::get_transaction_depth(connection)
}
