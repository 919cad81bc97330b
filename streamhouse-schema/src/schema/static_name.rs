//! Schema names known at compile time, so that the derive can turn two Rust types with one
//! schema name inside one struct into a compile error (a `const` that panics) instead of a
//! [`ModelError::NameConflict`](super::model::ModelError::NameConflict) at first use.
//!
//! Only what the derive knows for certain takes part: a non-generic derived record, enum or
//! data enum (generic types are named after their type arguments at run time), seen
//! through `Option`, `Vec`, `Box`, `Arc`, `Rc` and transparent newtypes. Anything else is
//! left to the run-time check, which sees the whole model.

/// A derived type's schema name as written on it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct StaticName {
    /// The local name (`name = "..."`, serde `rename`, or the Rust name).
    pub name: &'static str,
    /// The explicit `namespace = "..."`, `None` when the type inherits its namespace from
    /// where it is used.
    pub namespace: Option<&'static str>,
    /// `module_path!()::Ident`: the Rust type, as the model builder tells types apart.
    pub rust_type: &'static str,
}

/// String equality usable in `const` evaluation (the compile-time checks the derive's
/// generated code runs: schema-name clashes here, oneof member names in `codec::proto`).
pub(crate) const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether two types used in one struct certainly get the same full name while being
/// different Rust types. `parent_namespace` is the struct's explicit, non-empty namespace,
/// which a type without its own inherits (`ModelBuilder::full_name`); `None` when the
/// struct inherits its own from elsewhere, the same unknown namespace for both types.
#[doc(hidden)]
pub const fn names_clash(
    a: Option<StaticName>,
    b: Option<StaticName>,
    parent_namespace: Option<&str>,
) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    if !str_eq(a.name, b.name) || str_eq(a.rust_type, b.rust_type) {
        return false;
    }
    let na = match a.namespace {
        Some(ns) => Some(ns),
        None => parent_namespace,
    };
    let nb = match b.namespace {
        Some(ns) => Some(ns),
        None => parent_namespace,
    };
    match (na, nb) {
        (Some(x), Some(y)) => str_eq(x, y),
        // Both inherit the same namespace from where the struct is used.
        (None, None) => true,
        // One explicit, one unknown: the run-time check decides.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn n(
        name: &'static str,
        ns: Option<&'static str>,
        rust: &'static str,
    ) -> Option<StaticName> {
        Some(StaticName {
            name,
            namespace: ns,
            rust_type: rust,
        })
    }

    #[test]
    fn only_certain_clashes_count() {
        let a = n("Order", Some("shop"), "m::v1::Order");
        let b = n("Order", Some("shop"), "m::v2::Order");
        assert!(names_clash(a, b, None));
        // The same Rust type twice is no clash.
        assert!(!names_clash(a, a, None));
        // Other namespace or name.
        assert!(!names_clash(
            a,
            n("Order", Some("shop2"), "m::v2::Order"),
            None
        ));
        assert!(!names_clash(
            a,
            n("Order2", Some("shop"), "m::v2::Order"),
            None
        ));
        // Inherited from the parent's explicit namespace.
        assert!(names_clash(
            a,
            n("Order", None, "m::v2::Order"),
            Some("shop")
        ));
        assert!(!names_clash(
            a,
            n("Order", None, "m::v2::Order"),
            Some("other")
        ));
        // Both inherit the same unknown namespace; one explicit against unknown is left open.
        assert!(names_clash(
            n("O", None, "x::O"),
            n("O", None, "y::O"),
            None
        ));
        assert!(!names_clash(a, n("Order", None, "m::v2::Order"), None));
        // Not a named type.
        assert!(!names_clash(a, None, None));
    }
}
