//! [`ProtoOneof`]: a data enum's variants as the members of a Protobuf `oneof`, written and
//! read as fields of whichever message holds the oneof: the enum's own wrapper message, or
//! a struct with a `#[stream_schema(oneof)]` field (the oneof declared inline).

use bytes::{Buf, BufMut};

use super::{DecodeContext, DecodeError, WireType};

/// A data enum whose variants are the members of a Protobuf `oneof`: variant `V` with
/// `#[stream_schema(tag = N)]` is field `N` of the message holding the oneof.
///
/// `#[derive(StreamSchema)]` implements it for every Protobuf-enabled enum with data; the
/// generated `prost::Message` code of the holding message calls it. It is the counterpart
/// of prost's `Oneof` derive and not meant to be implemented by hand.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an inline Protobuf oneof",
    label = "not an enum with data and tagged variants",
    note = "#[stream_schema(oneof)] needs a field of type Option<E>, where E derives StreamSchema, has data, and gives every variant a #[stream_schema(tag = N)] (a unit-only enum is a Protobuf enum, not a oneof)"
)]
pub trait ProtoOneof: Sized {
    /// The members' field numbers, in declaration order.
    const TAGS: &'static [u32];

    /// Whether a variant carries no data. Such an enum cannot be an inline oneof: the field
    /// holding it is an `Option`, and Avro's nullable union has room for one null only.
    const HAS_UNIT_VARIANT: bool;

    /// The members' field names (the variants' names after renames), parallel to
    /// [`TAGS`](Self::TAGS).
    const NAMES: &'static [&'static str];

    /// Whether `tag` is the field number of one of the members.
    fn has_tag(tag: u32) -> bool;

    /// The field number of the member that `self` is.
    fn oneof_tag(&self) -> u32;

    /// Writes the member: its key and its value. A member has explicit presence, so a zero
    /// value is written too.
    fn encode_member(&self, buf: &mut impl BufMut);

    /// The number of bytes [`encode_member`](Self::encode_member) writes.
    fn member_len(&self) -> usize;

    /// Reads one occurrence of member `tag` (its key already read) into `field`: a member
    /// other than the one set replaces it; the same message member again is merged into
    /// it, as Protobuf requires (the last member on the wire wins).
    fn merge_member(
        field: &mut Option<Self>,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError>;
}

/// Whether any of `tags` lies strictly between `low` and `high`: where a holding message
/// writes an inline oneof among its own fields (all fields go in field-number order).
/// A `const fn`, so the generated code decides at compile time.
pub const fn any_tag_between(tags: &[u32], low: u32, high: u32) -> bool {
    let mut i = 0;
    while i < tags.len() {
        if tags[i] > low && tags[i] < high {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `tags` holds `tag`: the compile-time check that an inline oneof's members do
/// not reuse a number of the holding message.
pub const fn tags_contain(tags: &[u32], tag: u32) -> bool {
    let mut i = 0;
    while i < tags.len() {
        if tags[i] == tag {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether two oneofs share a member number.
pub const fn tags_overlap(a: &[u32], b: &[u32]) -> bool {
    let mut i = 0;
    while i < a.len() {
        if tags_contain(b, a[i]) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `names` holds `name`: the compile-time check that an inline oneof's members do
/// not reuse a field name of the holding message (they share its scope).
pub const fn names_contain(names: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < names.len() {
        if crate::schema::str_eq(names[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether two oneofs share a member name.
pub const fn names_overlap(a: &[&str], b: &[&str]) -> bool {
    let mut i = 0;
    while i < a.len() {
        if names_contain(b, a[i]) {
            return true;
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn between_is_strict_on_both_ends() {
        assert!(any_tag_between(&[8, 9, 10], 7, 11));
        assert!(any_tag_between(&[8], 7, 9));
        assert!(!any_tag_between(&[8], 8, 9));
        assert!(!any_tag_between(&[8], 7, 8));
        assert!(!any_tag_between(&[], 0, u32::MAX));
    }

    #[test]
    fn contain_and_overlap() {
        assert!(tags_contain(&[8, 9, 10], 9));
        assert!(!tags_contain(&[8, 10], 9));
        assert!(tags_contain(&[1], 1));
        assert!(tags_overlap(&[1, 5], &[5, 7]));
        assert!(!tags_overlap(&[1, 5], &[6, 7]));
        assert!(names_contain(&["card", "cash"], "cash"));
        assert!(!names_contain(&["card", "cash"], "cas"));
        assert!(!names_contain(&[], "x"));
        assert!(names_overlap(&["a", "bc"], &["bc"]));
        assert!(!names_overlap(&["a", "bc"], &["b", "c"]));
    }
}
