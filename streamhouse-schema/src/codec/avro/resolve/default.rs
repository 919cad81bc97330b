//! Encodes a field's JSON default in the Avro binary form of the reader's schema.

use bytes::BufMut;
use serde_json::Value;

use super::tree::{Node, NodeId, Tree};
use crate::codec::avro::varint::{write_bytes, write_long};

pub fn encode_default(t: &Tree, ty: NodeId, v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    encode(t, ty, v, out, 0)
}

fn encode(t: &Tree, ty: NodeId, v: &Value, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("default nests too deeply".into());
    }
    let bad = || format!("{v} does not fit the field's type");
    match t.get(ty) {
        Node::Null => v.is_null().then_some(()).ok_or_else(bad),
        Node::Boolean => {
            out.put_u8(u8::from(v.as_bool().ok_or_else(bad)?));
            Ok(())
        }
        Node::Int | Node::Long => {
            write_long(out, v.as_i64().ok_or_else(bad)?);
            Ok(())
        }
        Node::Float => {
            out.put_f32_le(v.as_f64().ok_or_else(bad)? as f32);
            Ok(())
        }
        Node::Double => {
            out.put_f64_le(v.as_f64().ok_or_else(bad)?);
            Ok(())
        }
        Node::String => {
            write_bytes(out, v.as_str().ok_or_else(bad)?.as_bytes());
            Ok(())
        }
        Node::Bytes => {
            write_bytes(out, &code_points(v.as_str().ok_or_else(bad)?)?);
            Ok(())
        }
        Node::Fixed { size, .. } => {
            let b = code_points(v.as_str().ok_or_else(bad)?)?;
            if b.len() != *size {
                return Err(bad());
            }
            out.put_slice(&b);
            Ok(())
        }
        Node::Enum { symbols, .. } => {
            let s = v.as_str().ok_or_else(bad)?;
            let i = symbols.iter().position(|x| x == s).ok_or_else(bad)?;
            write_long(out, i as i64);
            Ok(())
        }
        Node::Array(items) => {
            let a = v.as_array().ok_or_else(bad)?;
            if !a.is_empty() {
                write_long(out, a.len() as i64);
                for x in a {
                    encode(t, *items, x, out, depth + 1)?;
                }
            }
            out.put_u8(0);
            Ok(())
        }
        Node::Map(values) => {
            let m = v.as_object().ok_or_else(bad)?;
            if !m.is_empty() {
                write_long(out, m.len() as i64);
                for (k, x) in m {
                    write_bytes(out, k.as_bytes());
                    encode(t, *values, x, out, depth + 1)?;
                }
            }
            out.put_u8(0);
            Ok(())
        }
        // A union's default is a value of its first branch.
        Node::Union(branches) => {
            let first = *branches.first().ok_or("empty union")?;
            out.put_u8(0);
            encode(t, first, v, out, depth + 1)
        }
        Node::Record { fields, .. } => {
            let o = v.as_object().ok_or_else(bad)?;
            for f in fields {
                let fv = o
                    .get(&f.name)
                    .or(f.default.as_ref())
                    .ok_or_else(|| format!("missing field {}", f.name))?;
                encode(t, f.ty, fv, out, depth + 1)?;
            }
            Ok(())
        }
        Node::Ref(name) => Err(format!("undefined type {name}")),
    }
}

/// Avro writes `bytes`/`fixed` defaults as strings whose code points are the byte values.
fn code_points(s: &str) -> Result<Vec<u8>, String> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("{c:?} is not a byte value")))
        .collect()
}
