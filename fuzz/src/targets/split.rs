//! How a target that needs several inputs cuts one fuzz input into them.

/// The byte that separates the parts of a multi-part input (schema texts never hold it).
pub const SEPARATOR: u8 = 0;

/// Splits `data` at every [`SEPARATOR`], keeping at most `max` parts (the last one keeps
/// any further separators), so the work per input stays bounded.
pub fn parts(data: &[u8], max: usize) -> Vec<&[u8]> {
    data.splitn(max, |&byte| byte == SEPARATOR).collect()
}

/// Joins parts with [`SEPARATOR`]: how the seed corpora are written.
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&SEPARATOR)
}
