//! `unevaluatedProperties` and `unevaluatedItems`, as Confluent's
//! `ObjectSchemaDiff.compareUnevaluatedProperties` and
//! `ArraySchemaDiff.compareUnevaluatedItems` compare them (writer = Java's *original*,
//! reader = its *update*):
//!
//! | writer | reader | Confluent | here |
//! |---|---|---|---|
//! | absent | absent | nothing | nothing |
//! | absent | `false` | `*_REMOVED` | reported |
//! | absent | anything else (`true` included) | `*_NARROWED` | reported |
//! | present | absent | `*_ADDED` / `*_EXTENDED` (fine) | nothing |
//! | `false` | not `false` | `*_ADDED` (fine) | nothing |
//! | not `false` | `false` | `*_REMOVED` | reported |
//! | accepts anything | constrains | `*_NARROWED` | reported |
//! | constrains | accepts anything | `*_EXTENDED` (fine) | nothing |
//! | constrains | constrains | compared as schemas | compared as schemas |

use serde_json::{Map, Value};

use super::node::accepts_anything;
use super::{nested, Checker};
use crate::compat::report::{Incompatibility, IncompatibilityKind};

impl Checker<'_> {
    /// Compares `keyword` (`unevaluatedProperties` or `unevaluatedItems`) of both schemas;
    /// `removed` and `narrowed` are the keyword's two incompatible kinds.
    pub(super) fn compare_unevaluated(
        &mut self,
        keyword: &str,
        reader: &Map<String, Value>,
        writer: &Map<String, Value>,
        (removed, narrowed): (IncompatibilityKind, IncompatibilityKind),
    ) -> Vec<Incompatibility> {
        let path = format!("/{keyword}");
        let is_false = |value: &Value| *value == Value::Bool(false);
        let problem =
            |kind, message: String| vec![Incompatibility::new(kind, path.clone(), message)];
        match (writer.get(keyword), reader.get(keyword)) {
            (_, None) => Vec::new(),
            (None, Some(value)) if is_false(value) => problem(
                removed,
                format!("the reader adds {keyword} false, where the writer allowed any"),
            ),
            (None, Some(_)) => problem(
                narrowed,
                format!("the reader adds an {keyword} schema, where the writer had none"),
            ),
            (Some(w), Some(_)) if is_false(w) => Vec::new(),
            (Some(_), Some(r)) if is_false(r) => problem(
                removed,
                format!("the reader makes {keyword} false, which the writer allowed"),
            ),
            (Some(w), Some(r)) => {
                let writer_any = accepts_anything(self.writer_root, w);
                let reader_any = accepts_anything(self.reader_root, r);
                match (writer_any, reader_any) {
                    (_, true) => Vec::new(),
                    (true, false) => problem(
                        narrowed,
                        format!(
                            "the reader restricts {keyword} to a schema, where the writer \
                             allowed any value"
                        ),
                    ),
                    (false, false) => {
                        let problems = self.check(r, w);
                        nested(&path, keyword, problems)
                    }
                }
            }
        }
    }
}
