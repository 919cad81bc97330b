//! Changed scalars (a promoted number, a mapped enum symbol) rewritten into a few bytes on
//! the stack, so reading one needs no scratch buffer.

use super::plan::Plan;
use super::run::map_enum;
use crate::codec::avro::varint::{read_array, read_long, write_long};
use crate::codec::avro::DecodeError;

/// The longest encoding written here: a varint `long`.
const MAX_LEN: usize = 10;

/// A scalar's reader bytes.
pub(super) struct Small {
    buf: [u8; MAX_LEN],
    len: usize,
}

impl Small {
    pub(super) fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    fn of(bytes: &[u8]) -> Self {
        let mut buf = [0u8; MAX_LEN];
        for (to, from) in buf.iter_mut().zip(bytes) {
            *to = *from;
        }
        Small {
            buf,
            len: bytes.len().min(MAX_LEN),
        }
    }
}

/// Reads one writer value of a scalar conversion plan and returns its reader bytes;
/// `None` (reading nothing) for any other plan.
pub(super) fn rewrite(
    plan: Option<&Plan>,
    input: &mut &[u8],
) -> Result<Option<Small>, DecodeError> {
    let small = match plan {
        Some(Plan::IntToFloat | Plan::LongToFloat) => {
            Small::of(&(read_long(input)? as f32).to_le_bytes())
        }
        Some(Plan::IntToDouble | Plan::LongToDouble) => {
            Small::of(&(read_long(input)? as f64).to_le_bytes())
        }
        Some(Plan::FloatToDouble) => {
            Small::of(&f64::from(f32::from_le_bytes(read_array(input)?)).to_le_bytes())
        }
        Some(Plan::Enum(map)) => {
            let mut buf = [0u8; MAX_LEN];
            let mut out: &mut [u8] = &mut buf;
            write_long(&mut out, map_enum(map, input)?);
            let len = MAX_LEN - out.len();
            Small { buf, len }
        }
        _ => return Ok(None),
    };
    Ok(Some(small))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(plan: Plan, input: &[u8]) -> Result<Option<Vec<u8>>, DecodeError> {
        let mut input = input;
        let small = rewrite(Some(&plan), &mut input)?;
        assert!(input.is_empty(), "the whole writer value is read");
        Ok(small.map(|s| s.bytes().to_vec()))
    }

    #[test]
    fn promotions_write_the_reader_encoding() {
        // 3 as an Avro int/long is the zigzag varint 0x06.
        assert_eq!(
            rewritten(Plan::IntToFloat, &[0x06]).unwrap(),
            Some(3.0f32.to_le_bytes().to_vec())
        );
        assert_eq!(
            rewritten(Plan::LongToDouble, &[0x05]).unwrap(),
            Some((-3.0f64).to_le_bytes().to_vec())
        );
        assert_eq!(
            rewritten(Plan::FloatToDouble, &1.5f32.to_le_bytes()).unwrap(),
            Some(1.5f64.to_le_bytes().to_vec())
        );
    }

    #[test]
    fn enum_symbols_are_mapped_or_refused() {
        let map = vec![Some(2), None, Some(0)];
        assert_eq!(
            rewritten(Plan::Enum(map.clone()), &[0x00]).unwrap(),
            Some(vec![0x04])
        );
        assert_eq!(
            rewritten(Plan::Enum(map.clone()), &[0x04]).unwrap(),
            Some(vec![0x00])
        );
        assert!(matches!(
            rewritten(Plan::Enum(map.clone()), &[0x02]),
            Err(DecodeError::Incompatible(_))
        ));
        assert!(matches!(
            rewritten(Plan::Enum(map), &[0x06]),
            Err(DecodeError::EnumSymbol {
                index: 3,
                symbols: 3
            })
        ));
    }

    #[test]
    fn other_plans_read_nothing() {
        let mut input: &[u8] = &[0x06];
        assert!(rewrite(Some(&Plan::CopyVarint), &mut input)
            .unwrap()
            .is_none());
        assert!(rewrite(None, &mut input).unwrap().is_none());
        assert_eq!(input, &[0x06]);
    }

    #[test]
    fn truncated_values_are_errors() {
        assert!(rewritten(Plan::FloatToDouble, &[0, 0]).is_err());
        assert!(rewritten(Plan::IntToDouble, &[0x80]).is_err());
    }
}
