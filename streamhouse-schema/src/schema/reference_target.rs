//! The types `#[stream_schema(reference)]` may name on a field: a derived record or enum,
//! also inside `Option`, sequences, maps and pointers.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

/// A type that holds one named Avro type (a derived struct or unit-only enum), which
/// `#[stream_schema(reference)]` on a field registers as a schema of its own.
///
/// `#[derive(StreamSchema)]` implements it for structs with named fields and for enums
/// without data; here it is implemented for the containers the named type may sit in.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a schema reference",
    label = "`#[stream_schema(reference)]` needs a derived record or enum here",
    note = "`reference` registers the derived struct or unit-only enum a field holds (also inside Option, Vec, VecDeque, Box, Arc, Rc and string-keyed maps) as a schema of its own; primitives, newtypes and enums with data (Avro unions) have no name to refer to"
)]
pub trait ReferenceTarget {}

impl<T: ReferenceTarget> ReferenceTarget for Option<T> {}
impl<T: ReferenceTarget> ReferenceTarget for Vec<T> {}
impl<T: ReferenceTarget> ReferenceTarget for VecDeque<T> {}
impl<T: ReferenceTarget + ?Sized> ReferenceTarget for Box<T> {}
impl<T: ReferenceTarget + ?Sized> ReferenceTarget for Arc<T> {}
impl<T: ReferenceTarget + ?Sized> ReferenceTarget for Rc<T> {}
impl<T: ReferenceTarget, S> ReferenceTarget for HashMap<String, T, S> {}
impl<T: ReferenceTarget> ReferenceTarget for BTreeMap<String, T> {}
#[cfg(feature = "indexmap")]
impl<T: ReferenceTarget, S> ReferenceTarget for indexmap::IndexMap<String, T, S> {}

/// Compiles only for a [`ReferenceTarget`]: the derive calls it at the type of a
/// `#[stream_schema(reference)]` field, so that the compiler's error points there.
#[doc(hidden)]
#[inline]
pub fn assert_reference_target<T: ReferenceTarget + ?Sized>() {}
