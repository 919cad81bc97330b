//! The standalone schema registry server (filled in by the server work).
fn main() {}
