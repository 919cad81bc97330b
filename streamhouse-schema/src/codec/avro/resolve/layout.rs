//! The layout of direct reads of records whose writer fields come in the reader's order
//! (most evolutions): per reader field, the writer fields to skip before it and where its
//! value comes from, so a generated decoder reads the struct's fields one after the
//! other, as it does a same-schema payload, without buffering any of them.

use super::plan::{FieldSource, Plan, ReaderField, RecordPlan};

/// Fills the layout of every in-order record plan; `verbatim[id]` says whether plan `id`
/// copies its writer bytes unchanged.
pub(super) fn fill_layouts(plans: &mut [Plan], verbatim: &[bool]) {
    for plan in plans.iter_mut() {
        if let Plan::Record(rec) = plan {
            if rec.in_order {
                fill(rec, verbatim);
            }
        }
    }
}

fn fill(rec: &mut RecordPlan, verbatim: &[bool]) {
    let mut layout: Vec<ReaderField> = Vec::with_capacity(rec.defaults.len());
    // Start of the writer fields not read yet (all of them skipped ones).
    let mut pending = 0usize;
    for (i, (pos, id)) in rec.writer_fields.iter().enumerate() {
        let Some(pos) = *pos else { continue };
        // Reader fields before this one that the writer lacks take their defaults.
        while layout.len() < pos {
            layout.push(default_field(rec, layout.len(), i));
        }
        let source = if verbatim.get(*id) == Some(&true) {
            FieldSource::Unchanged
        } else {
            FieldSource::Changed(*id)
        };
        layout.push(ReaderField {
            skip_before: pending..i,
            source,
        });
        pending = i + 1;
    }
    let end = rec.writer_fields.len();
    while layout.len() < rec.defaults.len() {
        layout.push(default_field(rec, layout.len(), end));
    }
    rec.layout = layout;
    rec.trailing = pending..end;
}

fn default_field(rec: &RecordPlan, pos: usize, at: usize) -> ReaderField {
    ReaderField {
        skip_before: at..at,
        // The builder gives every reader field the writer lacks a default.
        source: match rec.defaults.get(pos) {
            Some(Some(bytes)) => FieldSource::Default(bytes.clone()),
            _ => FieldSource::Missing,
        },
    }
}
