//! Data-contract rules run by the clients (cargo feature `rules`): JSONata migration rules
//! between compatibility groups.

pub mod jsonata;
