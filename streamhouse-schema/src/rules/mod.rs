//! Data-contract rules the clients execute on write and on read.
//!
//! - [`encryption`] (feature `encryption`): field-level encryption (`ENCRYPT` rules), with
//!   DEKs kept in the registry's DEK registry and wrapped by a KMS driver's KEK.

#[cfg(feature = "encryption")]
pub mod encryption;
