//! Plans whose writer bytes are already the reader's bytes (same types, or `int`→`long`
//! and `string`↔`bytes`, which share an encoding): such a value is walked once to find
//! where it ends and copied in one piece, instead of being decoded and re-encoded field by
//! field. Most schema evolutions change a few fields; everything else takes this path.

use super::plan::{Plan, PlanId};
use super::run::{block_count, too_deep, ItemBudget, MAX_DEPTH};
use super::Resolution;
use crate::codec::avro::varint::{read_exact, read_len, read_long};
use crate::codec::avro::DecodeError;

/// For each plan, whether it copies its writer bytes unchanged. Computed up from "no" to a
/// fixpoint, so a recursive plan stays "no" (it is transcoded normally, which is correct).
pub(super) fn verbatim_plans(plans: &[Plan]) -> Vec<bool> {
    let mut verbatim = vec![false; plans.len()];
    loop {
        let mut changed = false;
        for (id, plan) in plans.iter().enumerate() {
            if verbatim.get(id) == Some(&true) {
                continue;
            }
            let is = |child: &PlanId| verbatim.get(*child) == Some(&true);
            let now = match plan {
                Plan::CopyNull
                | Plan::CopyBoolean
                | Plan::CopyVarint
                | Plan::CopyFloat
                | Plan::CopyDouble
                | Plan::CopyLengthPrefixed
                | Plan::CopyFixed(_) => true,
                Plan::Array(items) => is(items),
                Plan::Map(values) => is(values),
                Plan::Record(rec) => {
                    rec.in_order
                        && rec.defaults.len() == rec.writer_fields.len()
                        && rec
                            .writer_fields
                            .iter()
                            .enumerate()
                            .all(|(k, (pos, plan))| *pos == Some(k) && is(plan))
                }
                Plan::UnionToUnion(branches) => branches.iter().enumerate().all(
                    |(k, b)| matches!(b, Ok((r, plan)) if usize::try_from(*r) == Ok(k) && is(plan)),
                ),
                Plan::Enum(map) => map
                    .iter()
                    .enumerate()
                    .all(|(k, r)| r.and_then(|r| usize::try_from(r).ok()) == Some(k)),
                _ => false,
            };
            if now {
                if let Some(slot) = verbatim.get_mut(id) {
                    *slot = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return verbatim;
        }
    }
}

impl Resolution {
    /// Consumes one writer value of verbatim plan `id` (checking it is well formed as far
    /// as finding its end needs), writing nothing.
    pub(super) fn consume(
        &self,
        id: PlanId,
        input: &mut &[u8],
        depth: usize,
    ) -> Result<(), DecodeError> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        match self.plans.get(id) {
            Some(Plan::CopyNull) => Ok(()),
            Some(Plan::CopyBoolean) => read_exact(input, 1).map(drop),
            Some(Plan::CopyVarint) => read_long(input).map(drop),
            Some(Plan::Enum(map)) => {
                let i = read_long(input)?;
                if usize::try_from(i).is_ok_and(|i| i < map.len()) {
                    Ok(())
                } else {
                    Err(DecodeError::EnumSymbol {
                        index: i,
                        symbols: map.len(),
                    })
                }
            }
            Some(Plan::CopyFloat) => read_exact(input, 4).map(drop),
            Some(Plan::CopyDouble) => read_exact(input, 8).map(drop),
            Some(Plan::CopyLengthPrefixed) => {
                let n = read_len(input)?;
                read_exact(input, n).map(drop)
            }
            Some(Plan::CopyFixed(n)) => read_exact(input, *n).map(drop),
            Some(Plan::Array(items)) => {
                let mut budget = ItemBudget::new(input);
                while let Some(n) = block_count(input, &mut budget)? {
                    for _ in 0..n {
                        self.consume_child(*items, input, depth)?;
                    }
                }
                Ok(())
            }
            Some(Plan::Map(values)) => {
                let mut budget = ItemBudget::new(input);
                while let Some(n) = block_count(input, &mut budget)? {
                    for _ in 0..n {
                        let k = read_len(input)?;
                        read_exact(input, k)?;
                        self.consume(*values, input, depth + 1)?;
                    }
                }
                Ok(())
            }
            Some(Plan::Record(rec)) => {
                for (_, plan) in &rec.writer_fields {
                    self.consume_child(*plan, input, depth)?;
                }
                Ok(())
            }
            Some(Plan::UnionToUnion(branches)) => {
                let b = read_long(input)?;
                match usize::try_from(b).ok().and_then(|i| branches.get(i)) {
                    Some(Ok((_, plan))) => self.consume(*plan, input, depth + 1),
                    Some(Err(why)) => Err(DecodeError::Incompatible(why.clone())),
                    None => Err(DecodeError::UnionBranch {
                        index: b,
                        branches: branches.len(),
                    }),
                }
            }
            _ => Err(DecodeError::Incompatible(
                "internal: not a verbatim plan".into(),
            )),
        }
    }

    /// Consumes a child value: scalars here, without a call per field (most fields are
    /// scalars, and this walk is most of a resolved decode), the rest through
    /// [`consume`](Self::consume).
    #[inline(always)]
    pub(super) fn consume_child(
        &self,
        id: PlanId,
        input: &mut &[u8],
        depth: usize,
    ) -> Result<(), DecodeError> {
        match self.plans.get(id) {
            Some(Plan::CopyNull) => Ok(()),
            Some(Plan::CopyVarint) => read_long(input).map(drop),
            Some(Plan::CopyLengthPrefixed) => {
                let n = read_len(input)?;
                read_exact(input, n).map(drop)
            }
            Some(Plan::CopyDouble) => read_exact(input, 8).map(drop),
            _ => self.consume(id, input, depth + 1),
        }
    }

    /// Whether plan `id` copies its writer bytes unchanged.
    #[inline]
    pub(super) fn is_verbatim(&self, id: PlanId) -> bool {
        self.verbatim.get(id) == Some(&true)
    }
}

#[cfg(test)]
mod tests {
    use apache_avro::types::Value;
    use apache_avro::Schema;

    use super::super::Resolution;

    const WRITER: &str = r#"{"type":"record","name":"R","fields":[
        {"name":"id","type":"long"},
        {"name":"tags","type":{"type":"map","values":"string"}},
        {"name":"lines","type":{"type":"array","items":{"type":"record","name":"L","fields":[
            {"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
        {"name":"note","type":["null","string"]},
        {"name":"color","type":{"type":"enum","name":"C","symbols":["RED","GREEN"]}},
        {"name":"digest","type":{"type":"fixed","name":"D","size":4}},
        {"name":"ok","type":"boolean"}]}"#;

    /// The same fields, `qty` widened, one field added between others and one at the end.
    const READER: &str = r#"{"type":"record","name":"R","fields":[
        {"name":"id","type":"long"},
        {"name":"tags","type":{"type":"map","values":"string"}},
        {"name":"added","type":"string","default":"mid"},
        {"name":"lines","type":{"type":"array","items":{"type":"record","name":"L","fields":[
            {"name":"sku","type":"string"},{"name":"qty","type":"long"}]}}},
        {"name":"note","type":["null","string"]},
        {"name":"color","type":{"type":"enum","name":"C","symbols":["RED","GREEN"]}},
        {"name":"digest","type":{"type":"fixed","name":"D","size":4}},
        {"name":"ok","type":"boolean"},
        {"name":"channel","type":"string","default":"web"}]}"#;

    fn writer_value(note: Option<&str>) -> Value {
        let line = |sku: &str, qty: i32| {
            Value::Record(vec![
                ("sku".into(), Value::String(sku.into())),
                ("qty".into(), Value::Int(qty)),
            ])
        };
        Value::Record(vec![
            ("id".into(), Value::Long(-1_234_567_890_123)),
            (
                "tags".into(),
                Value::Map([("a".to_string(), Value::String("x".into()))].into()),
            ),
            (
                "lines".into(),
                Value::Array(vec![line("TEA", 1), line("MUG", 300)]),
            ),
            (
                "note".into(),
                match note {
                    Some(n) => Value::Union(1, Box::new(Value::String(n.into()))),
                    None => Value::Union(0, Box::new(Value::Null)),
                },
            ),
            ("color".into(), Value::Enum(1, "GREEN".into())),
            ("digest".into(), Value::Fixed(4, vec![1, 2, 3, 4])),
            ("ok".into(), Value::Boolean(true)),
        ])
    }

    #[allow(deprecated)] // from_avro_datum is the plainest way to call apache-avro's resolver
    #[test]
    fn copied_spans_agree_with_apache_avro_resolution() {
        let writer = Schema::parse_str(WRITER).unwrap();
        let reader = Schema::parse_str(READER).unwrap();
        let plan = Resolution::new(WRITER, READER).unwrap();
        // Unchanged fields and records are copied as spans; only defaults are written.
        assert!(plan.verbatim.iter().any(|v| *v));
        for note in [None, Some("leave at the door")] {
            let bytes = apache_avro::to_avro_datum(&writer, writer_value(note)).unwrap();
            let theirs =
                apache_avro::from_avro_datum(&writer, &mut bytes.as_slice(), Some(&reader))
                    .unwrap();
            let mut ours = Vec::new();
            plan.transcode(&bytes, &mut ours).unwrap();
            let ours = apache_avro::from_avro_datum(&reader, &mut ours.as_slice(), None).unwrap();
            assert_eq!(ours, theirs);

            // Trailing bytes after the datum are not copied into the reader's fields.
            let mut trailing = bytes.clone();
            trailing.extend_from_slice(&[0x06, b'b', b'a', b'd']);
            let mut out = Vec::new();
            plan.transcode(&trailing, &mut out).unwrap();
            let read = apache_avro::from_avro_datum(&reader, &mut out.as_slice(), None).unwrap();
            assert_eq!(read, theirs);

            // A datum cut short anywhere is an error, never a panic or a partial copy.
            for cut in 0..bytes.len() {
                let mut out = Vec::new();
                assert!(
                    plan.transcode(&bytes[..cut], &mut out).is_err(),
                    "cut at {cut}"
                );
            }
        }
    }
}
