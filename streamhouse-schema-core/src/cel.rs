//! What the derive's CEL checks and the runtime's CEL executors agree on.

pub mod fields;
#[cfg(feature = "cel-subset")]
pub mod subset;

/// How deeply a CEL rule expression may nest (parentheses, lists, maps, calls, ternaries:
/// each expression inside another counts one level), for the derive's compile-time checks
/// and for the rule executors alike. The `cel` crate's ANTLR parser recurses through about a
/// dozen rules per level, tens of KiB of stack per level in a debug build: its own default of
/// 96 levels overflowed an 8 MiB stack (found by the `cel_rules` fuzz target). 32 levels is
/// far beyond what a rule needs; a deeper expression is refused with a typed error.
pub const MAX_CEL_NESTING: u16 = 32;
