//! A lock-free, per-type memo of the ids `send_typed` uses.
//!
//! `send_typed::<T>` always sends to `T::TOPIC`, so for one producer the ids of `T`'s value
//! and key schemas never change once resolved. Every type has an [`IdMemo`] here, found by
//! its [`Schemas::number`](crate::schema::Schemas::number) in a table of lazily allocated
//! chunks: one atomic word per role remembering the id (and format) the last producer to
//! send the type used, tagged with that producer's [`ProducerTag`]. A send by the same
//! producer reads its ids with two plain loads (chunk, word): no lock, no hashing, no atomic
//! read-modify-write. Other producers (or `send_typed_to`, whose topic varies) use the
//! shared id cache and, for `send_typed`, take the memo over.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::OnceLock;

use super::schema_ids::TypedId;
use crate::schema::SchemaFormat;

/// Bits of a memo word holding the producer tag (the rest: 2 for the format, 32 for the id).
const TAG_BITS: u32 = 30;

/// Identifies one producer in memos; `None` once more than 2^30 − 1 producers were built
/// in this process (such producers simply do not use memos).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProducerTag(Option<u32>);

impl ProducerTag {
    /// A tag no other producer of this process has.
    pub(crate) fn unique() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let tag = NEXT.fetch_add(1, Ordering::Relaxed);
        // Tag 0 means "empty"; tags past TAG_BITS (or after wrapping around) are not
        // unique any more, so they are never used.
        ProducerTag((tag != 0 && tag < 1 << TAG_BITS).then_some(tag))
    }
}

/// Memos per chunk of type numbers.
const CHUNK: usize = 256;
/// Chunks in the table: types numbered past `CHUNK * CHUNKS` (a million) have no memo and
/// use the shared cache.
const CHUNKS: usize = 4096;

/// The memos of every type, by type number.
static MEMOS: [OnceLock<Box<[IdMemo; CHUNK]>>; CHUNKS] = [const { OnceLock::new() }; CHUNKS];

/// The memo of the type whose schemas are number `number`.
#[inline]
pub(crate) fn memo_for(number: u32) -> Option<&'static IdMemo> {
    let number = number as usize;
    let chunk = MEMOS.get(number / CHUNK)?;
    let memos = chunk.get_or_init(|| Box::new([const { IdMemo::new() }; CHUNK]));
    Some(&memos[number % CHUNK])
}

/// The ids one producer last used for a type's value and key schemas in `send_typed`.
#[derive(Debug, Default)]
pub(crate) struct IdMemo {
    /// Index 0: the value's schema; 1: the key's.
    words: [AtomicU64; 2],
}

impl IdMemo {
    /// An empty memo.
    pub(crate) const fn new() -> Self {
        IdMemo {
            words: [AtomicU64::new(0), AtomicU64::new(0)],
        }
    }

    /// The id remembered for `producer` in the value or key role.
    #[inline]
    pub(crate) fn get(&self, producer: ProducerTag, is_key: bool) -> Option<TypedId> {
        let tag = producer.0?;
        let word = self.words[usize::from(is_key)].load(Ordering::Relaxed);
        if (word >> (64 - TAG_BITS)) as u32 != tag {
            return None;
        }
        let format = match (word >> 32) & 0b11 {
            0 => SchemaFormat::Avro,
            1 => SchemaFormat::Json,
            2 => SchemaFormat::Protobuf,
            _ => return None,
        };
        Some(TypedId {
            // The low 32 bits are the id's two's-complement bits.
            id: word as u32 as i32,
            format,
            rewritten: false,
            write_rules: false,
        })
    }

    /// Remembers `id` for `producer` in the value or key role (replacing whatever another
    /// producer left there). Ids whose records are rewritten into another version, or whose
    /// schema has WRITE rules, are not remembered (the word has no bit for either): such
    /// sends read the shared cache.
    pub(crate) fn set(&self, producer: ProducerTag, is_key: bool, id: TypedId) {
        let Some(tag) = producer.0 else {
            return;
        };
        if id.rewritten || id.write_rules {
            return;
        }
        let format: u64 = match id.format {
            SchemaFormat::Avro => 0,
            SchemaFormat::Json => 1,
            SchemaFormat::Protobuf => 2,
        };
        let word = (u64::from(tag) << (64 - TAG_BITS)) | (format << 32) | u64::from(id.id as u32);
        self.words[usize::from(is_key)].store(word, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(id: i32, format: SchemaFormat) -> TypedId {
        TypedId {
            id,
            format,
            rewritten: false,
            write_rules: false,
        }
    }

    #[test]
    fn a_memo_answers_only_the_producer_that_wrote_it() {
        let memo = IdMemo::new();
        let (a, b) = (ProducerTag::unique(), ProducerTag::unique());
        assert_ne!(a, b);
        assert_eq!(memo.get(a, false), None);
        memo.set(a, false, id(7, SchemaFormat::Json));
        assert_eq!(memo.get(a, false), Some(id(7, SchemaFormat::Json)));
        assert_eq!(memo.get(a, true), None);
        assert_eq!(memo.get(b, false), None);
        // Another producer takes the slot over.
        memo.set(b, false, id(8, SchemaFormat::Avro));
        assert_eq!(memo.get(a, false), None);
        assert_eq!(memo.get(b, false), Some(id(8, SchemaFormat::Avro)));
    }

    #[test]
    fn every_id_and_format_round_trips() {
        let memo = IdMemo::new();
        let tag = ProducerTag::unique();
        for value in [0, 1, -1, i32::MAX, i32::MIN, 100_000] {
            for format in [
                SchemaFormat::Avro,
                SchemaFormat::Json,
                SchemaFormat::Protobuf,
            ] {
                memo.set(tag, true, id(value, format));
                assert_eq!(memo.get(tag, true), Some(id(value, format)));
            }
        }
    }

    #[test]
    fn each_type_number_has_its_own_memo() {
        let tag = ProducerTag::unique();
        let (Some(a), Some(b), Some(far)) = (memo_for(1), memo_for(2), memo_for(700_000)) else {
            panic!("numbers below a million have memos");
        };
        a.set(tag, false, id(11, SchemaFormat::Avro));
        b.set(tag, false, id(22, SchemaFormat::Json));
        far.set(tag, false, id(33, SchemaFormat::Protobuf));
        assert_eq!(a.get(tag, false), Some(id(11, SchemaFormat::Avro)));
        assert_eq!(b.get(tag, false), Some(id(22, SchemaFormat::Json)));
        assert_eq!(far.get(tag, false), Some(id(33, SchemaFormat::Protobuf)));
        // The same number finds the same memo again.
        assert!(memo_for(700_000).is_some_and(|m| std::ptr::eq(m, far)));
        assert!(memo_for((CHUNK * CHUNKS) as u32).is_none());
        assert!(memo_for(u32::MAX).is_none());
    }

    #[test]
    fn producers_without_a_tag_never_use_memos() {
        let memo = IdMemo::new();
        let none = ProducerTag(None);
        memo.set(none, false, id(1, SchemaFormat::Avro));
        assert_eq!(memo.get(none, false), None);
        // Nothing was written for anyone else either.
        assert_eq!(memo.words[0].load(Ordering::Relaxed), 0);
    }
}
