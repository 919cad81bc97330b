//! What the derive can tell about a field's type from its tokens alone: enough to reject
//! unsupported types with a precise message and to wrap explicit mappings.

use syn::{GenericArgument, PathArguments, Type};

/// The last path segment's name and its generic type arguments.
fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    let args = match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((seg.ident.to_string(), args))
}

/// `Option<T>` → `T`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    match last_segment(ty) {
        Some((name, args)) if name == "Option" && args.len() == 1 => args.into_iter().next(),
        _ => None,
    }
}

/// `Vec<T>` → `T`.
pub fn vec_inner(ty: &Type) -> Option<&Type> {
    match last_segment(ty) {
        Some((name, args)) if name == "Vec" && args.len() == 1 => args.into_iter().next(),
        _ => None,
    }
}

/// `Option<T>`, `Vec<T>`, `Box<T>`, `Arc<T>`, `Rc<T>` → `T`.
pub fn wrapper_inner(ty: &Type) -> Option<&Type> {
    match last_segment(ty) {
        Some((name, args))
            if matches!(name.as_str(), "Option" | "Vec" | "Box" | "Arc" | "Rc")
                && args.len() == 1 =>
        {
            args.into_iter().next()
        }
        _ => None,
    }
}

/// Whether the type names a lifetime anywhere (`&'a str`, `Cow<'a, str>`,
/// `Vec<Item<'a>>`): such a field of a borrowing type is decoded through the borrowing
/// traits (`AvroBorrowDecode`, `JsonBorrowDecode`), any other through the owned ones.
pub fn has_lifetime(ty: &Type) -> bool {
    match ty {
        Type::Reference(_) => true,
        Type::Path(p) => {
            p.qself.as_ref().is_some_and(|q| has_lifetime(&q.ty))
                || p.path.segments.iter().any(|seg| match &seg.arguments {
                    PathArguments::AngleBracketed(a) => a.args.iter().any(|a| match a {
                        GenericArgument::Lifetime(_) => true,
                        GenericArgument::Type(t) => has_lifetime(t),
                        _ => false,
                    }),
                    _ => false,
                })
        }
        Type::Array(a) => has_lifetime(&a.elem),
        Type::Slice(s) => has_lifetime(&s.elem),
        Type::Paren(p) => has_lifetime(&p.elem),
        Type::Group(g) => has_lifetime(&g.elem),
        Type::Tuple(t) => t.elems.iter().any(has_lifetime),
        _ => false,
    }
}

/// The bare name of a path type (`u64`, `String`, `HashMap`).
pub fn name(ty: &Type) -> Option<String> {
    last_segment(ty).map(|(n, _)| n)
}

/// A reason the type cannot be mapped, with a hint, or `None` when it may be fine (the
/// trait system has the last word).
pub fn unsupported(ty: &Type) -> Option<String> {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => None,
        Type::Tuple(_) => Some("tuples have no schema mapping: use a struct with named fields".into()),
        Type::Ptr(_) => Some("raw pointers have no schema mapping".into()),
        Type::BareFn(_) => Some("function pointers have no schema mapping".into()),
        Type::TraitObject(_) | Type::ImplTrait(_) => Some("trait objects have no schema mapping: use a concrete type".into()),
        Type::Array(a) => match &*a.elem {
            Type::Path(p) if p.path.is_ident("u8") => None,
            _ => Some("only byte arrays `[u8; N]` have a schema mapping (Avro fixed): use Vec<T> for other arrays".into()),
        },
        Type::Reference(r) => unsupported(&r.elem),
        Type::Slice(s) => unsupported(&s.elem),
        Type::Paren(p) => unsupported(&p.elem),
        Type::Group(g) => unsupported(&g.elem),
        Type::Path(_) => {
            let (name, args) = last_segment(ty)?;
            match name.as_str() {
                "u64" | "u128" | "i128" => Some(format!(
                    "`{name}` does not fit Avro's signed 64-bit `long`: add #[stream_schema(repr = \"long\")] for a checked conversion that errors on overflow, or #[stream_schema(repr = \"fixed\")] for a big-endian fixed"
                )),
                "usize" | "isize" => Some(format!("`{name}` has a platform-dependent width: use i64 or u32")),
                "char" => Some("`char` has no schema mapping: use String".into()),
                "HashMap" | "BTreeMap" | "IndexMap" => {
                    let key = args.first()?;
                    match self::name(key).as_deref() {
                        Some("String" | "str" | "Box" | "Arc" | "Rc") => None,
                        _ => Some(format!("map keys must be strings (Avro maps are keyed by string): `{}` is not", quote::quote!(#key))),
                    }
                }
                "Option" => {
                    let inner = args.first()?;
                    if option_inner(inner).is_some() {
                        Some("`Option<Option<T>>` cannot be told apart from `Option<T>` on the wire (a union may hold null once): use one Option".into())
                    } else {
                        unsupported(inner)
                    }
                }
                _ => args.into_iter().find_map(unsupported),
            }
        }
        _ => None,
    }
}
