//! Builds the resolution plan of Avro's reader/writer rules, once per (writer, reader) pair.

use std::collections::HashMap;

use super::default::encode_default;
use super::tree::{Node, NodeId, Tree};

pub type PlanId = usize;

#[derive(Debug, Clone)]
pub enum Plan {
    /// Bytes copied as they are (same type, or int→long and string↔bytes which share an
    /// encoding).
    CopyNull,
    CopyBoolean,
    CopyVarint,
    CopyFloat,
    CopyDouble,
    CopyLengthPrefixed,
    CopyFixed(usize),
    IntToFloat,
    IntToDouble,
    LongToFloat,
    LongToDouble,
    FloatToDouble,
    /// Writer symbol index → reader symbol index (`None`: not in the reader, no default).
    Enum(Vec<Option<i64>>),
    Array(PlanId),
    Map(PlanId),
    Record(RecordPlan),
    /// Writer union branch → (reader branch, plan) or why it cannot be read.
    UnionToUnion(Vec<Result<(i64, PlanId), String>>),
    /// Writer union branch → plan into the (non-union) reader type.
    UnionToSingle(Vec<Result<PlanId, String>>),
    /// A non-union writer read into reader union branch `.0`.
    SingleToUnion(i64, PlanId),
    /// Consume a writer value the reader does not have.
    Skip(NodeId),
    /// Placeholder while a recursive plan is being built.
    Pending,
}

#[derive(Debug, Clone)]
pub struct RecordPlan {
    /// For each writer field in order: where it goes in the reader (`None`: skipped) and
    /// how to transcode it (a `Skip` plan when skipped).
    pub writer_fields: Vec<(Option<usize>, PlanId)>,
    /// Per reader field: its encoded default when the writer lacks the field.
    pub defaults: Vec<Option<Vec<u8>>>,
    /// Whether the matched writer fields already come in reader order (no buffering).
    pub in_order: bool,
    /// When `in_order`: per reader field, where a direct read takes its value from
    /// (filled by `layout` once unchanged plans are known; empty otherwise).
    pub layout: Vec<ReaderField>,
    /// When `in_order`: the writer fields after the last one the reader reads (indexes
    /// into `writer_fields`), skipped at the end of a direct read.
    pub trailing: std::ops::Range<usize>,
}

/// Where one reader field's value comes from in a direct read of an in-order record.
#[derive(Debug, Clone)]
pub struct ReaderField {
    /// Writer fields the reader lacks, right before this one (indexes into
    /// `writer_fields`), skipped first.
    pub skip_before: std::ops::Range<usize>,
    pub source: FieldSource,
}

#[derive(Debug, Clone)]
pub enum FieldSource {
    /// The writer's field, whose bytes are the reader's.
    Unchanged,
    /// The writer's field, read along this plan.
    Changed(PlanId),
    /// Not in the writer: the reader's default, in reader bytes.
    Default(Vec<u8>),
    /// Not in the writer and without a default (the builder refuses such plans).
    Missing,
}

pub struct Builder<'a> {
    pub writer: &'a Tree,
    pub reader: &'a Tree,
    pub plans: Vec<Plan>,
    memo: HashMap<(NodeId, NodeId), PlanId>,
    skip_memo: HashMap<NodeId, PlanId>,
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Java's rule: same unqualified name, or a reader alias names the writer's type.
fn names_match(writer: &str, reader: &str, reader_aliases: &[String]) -> bool {
    short(writer) == short(reader)
        || reader_aliases
            .iter()
            .any(|a| a == writer || short(a) == short(writer))
}

impl<'a> Builder<'a> {
    pub fn new(writer: &'a Tree, reader: &'a Tree) -> Self {
        Builder {
            writer,
            reader,
            plans: Vec::new(),
            memo: HashMap::new(),
            skip_memo: HashMap::new(),
        }
    }

    fn push(&mut self, p: Plan) -> PlanId {
        self.plans.push(p);
        self.plans.len() - 1
    }

    pub fn skip(&mut self, w: NodeId) -> PlanId {
        let w = self.writer.resolve(w);
        if let Some(&id) = self.skip_memo.get(&w) {
            return id;
        }
        let id = self.push(Plan::Skip(w));
        self.skip_memo.insert(w, id);
        id
    }

    /// The plan reading writer node `w` as reader node `r`, or the reason it cannot.
    pub fn plan(&mut self, w: NodeId, r: NodeId, path: &str) -> Result<PlanId, String> {
        let key = (self.writer.resolve(w), self.reader.resolve(r));
        let result = self.plan_uncached(key.0, key.1, path);
        if result.is_err() {
            // A placeholder left for a failed pair must not be found later.
            self.memo.remove(&key);
        }
        result
    }

    fn plan_uncached(&mut self, w: NodeId, r: NodeId, path: &str) -> Result<PlanId, String> {
        if let Some(&id) = self.memo.get(&(w, r)) {
            return Ok(id);
        }
        let wn = self.writer.get(w).clone();
        let rn = self.reader.get(r).clone();
        // Reader unions are handled before anything else: pick a branch.
        if let Node::Union(rb) = &rn {
            if let Node::Union(wb) = &wn {
                let id = self.push(Plan::Pending);
                self.memo.insert((w, r), id);
                let mut out = Vec::new();
                for (i, &wbranch) in wb.iter().enumerate() {
                    out.push(self.pick_branch(wbranch, rb, &format!("{path}[branch {i}]")));
                }
                self.plans[id] = Plan::UnionToUnion(out);
                return Ok(id);
            }
            let (branch, plan) = self.pick_branch(w, rb, path)?;
            return Ok(self.push(Plan::SingleToUnion(branch, plan)));
        }
        if let Node::Union(wb) = &wn {
            let id = self.push(Plan::Pending);
            self.memo.insert((w, r), id);
            let mut out = Vec::new();
            for (i, &wbranch) in wb.iter().enumerate() {
                out.push(self.plan(wbranch, r, &format!("{path}[branch {i}]")));
            }
            self.plans[id] = Plan::UnionToSingle(out);
            return Ok(id);
        }
        let mismatch = || {
            format!(
                "{path}: writer type {} cannot be read as {}",
                describe(&wn),
                describe(&rn)
            )
        };
        let plan = match (&wn, &rn) {
            (Node::Null, Node::Null) => Plan::CopyNull,
            (Node::Boolean, Node::Boolean) => Plan::CopyBoolean,
            (Node::Int, Node::Int) | (Node::Int, Node::Long) | (Node::Long, Node::Long) => {
                Plan::CopyVarint
            }
            (Node::Int, Node::Float) => Plan::IntToFloat,
            (Node::Int, Node::Double) => Plan::IntToDouble,
            (Node::Long, Node::Float) => Plan::LongToFloat,
            (Node::Long, Node::Double) => Plan::LongToDouble,
            (Node::Float, Node::Float) => Plan::CopyFloat,
            (Node::Float, Node::Double) => Plan::FloatToDouble,
            (Node::Double, Node::Double) => Plan::CopyDouble,
            (Node::String | Node::Bytes, Node::String | Node::Bytes) => Plan::CopyLengthPrefixed,
            (
                Node::Fixed {
                    name: wname,
                    size: ws,
                    ..
                },
                Node::Fixed {
                    name: rname,
                    aliases,
                    size: rs,
                },
            ) => {
                if !names_match(wname, rname, aliases) {
                    return Err(format!(
                        "{path}: fixed {wname} does not match reader fixed {rname} (add an alias)"
                    ));
                }
                if ws != rs {
                    return Err(format!(
                        "{path}: fixed {rname} changed size from {ws} to {rs}"
                    ));
                }
                Plan::CopyFixed(*ws)
            }
            (
                Node::Enum {
                    name: wname,
                    symbols: ws,
                    ..
                },
                Node::Enum {
                    name: rname,
                    aliases,
                    symbols: rs,
                    default,
                },
            ) => {
                if !names_match(wname, rname, aliases) {
                    return Err(format!(
                        "{path}: enum {wname} does not match reader enum {rname} (add an alias)"
                    ));
                }
                let default_idx = default
                    .as_ref()
                    .and_then(|d| rs.iter().position(|s| s == d))
                    .map(|i| i as i64);
                Plan::Enum(
                    ws.iter()
                        .map(|s| {
                            rs.iter()
                                .position(|r| r == s)
                                .map(|i| i as i64)
                                .or(default_idx)
                        })
                        .collect(),
                )
            }
            (Node::Array(wi), Node::Array(ri)) => {
                let id = self.push(Plan::Pending);
                self.memo.insert((w, r), id);
                let items = self.plan(*wi, *ri, &format!("{path}[]"))?;
                self.plans[id] = Plan::Array(items);
                return Ok(id);
            }
            (Node::Map(wv), Node::Map(rv)) => {
                let id = self.push(Plan::Pending);
                self.memo.insert((w, r), id);
                let values = self.plan(*wv, *rv, &format!("{path}{{}}"))?;
                self.plans[id] = Plan::Map(values);
                return Ok(id);
            }
            (
                Node::Record {
                    name: wname,
                    fields: wf,
                    ..
                },
                Node::Record {
                    name: rname,
                    aliases,
                    fields: rf,
                },
            ) => {
                if !names_match(wname, rname, aliases) {
                    return Err(format!("{path}: record {wname} does not match reader record {rname} (add an alias)"));
                }
                let id = self.push(Plan::Pending);
                self.memo.insert((w, r), id);
                let mut writer_fields = Vec::with_capacity(wf.len());
                let mut matched = vec![false; rf.len()];
                for f in wf {
                    let pos = rf
                        .iter()
                        .position(|r| r.name == f.name || r.aliases.iter().any(|a| a == &f.name));
                    match pos {
                        Some(p) => {
                            matched[p] = true;
                            let plan =
                                self.plan(f.ty, rf[p].ty, &format!("{path}.{}", rf[p].name))?;
                            writer_fields.push((Some(p), plan));
                        }
                        None => writer_fields.push((None, self.skip(f.ty))),
                    }
                }
                let mut defaults = Vec::with_capacity(rf.len());
                for (p, f) in rf.iter().enumerate() {
                    if matched[p] {
                        defaults.push(None);
                        continue;
                    }
                    let Some(d) = &f.default else {
                        return Err(format!(
                            "{path}.{}: the reader field has no default and the writer does not have it",
                            f.name
                        ));
                    };
                    let mut bytes = Vec::new();
                    encode_default(self.reader, f.ty, d, &mut bytes)
                        .map_err(|e| format!("{path}.{}: invalid default {d}: {e}", f.name))?;
                    defaults.push(Some(bytes));
                }
                let positions: Vec<usize> = writer_fields.iter().filter_map(|(p, _)| *p).collect();
                let in_order = positions.windows(2).all(|w| w[0] < w[1]);
                self.plans[id] = Plan::Record(RecordPlan {
                    writer_fields,
                    defaults,
                    in_order,
                    layout: Vec::new(),
                    trailing: 0..0,
                });
                return Ok(id);
            }
            _ => return Err(mismatch()),
        };
        let id = self.push(plan);
        self.memo.insert((w, r), id);
        Ok(id)
    }

    /// The reader union branch for writer node `w`: the first branch of the same type
    /// (same name for named types), else the first it can be promoted to.
    fn pick_branch(
        &mut self,
        w: NodeId,
        branches: &[NodeId],
        path: &str,
    ) -> Result<(i64, PlanId), String> {
        let wn = self.writer.get(w).clone();
        let same = branches
            .iter()
            .position(|&b| same_kind(&wn, self.reader.get(b)));
        if let Some(i) = same {
            return Ok((i as i64, self.plan(w, branches[i], path)?));
        }
        for (i, &b) in branches.iter().enumerate() {
            if matches!(self.reader.get(b), Node::Union(_)) {
                continue;
            }
            if let Ok(p) = self.plan(w, b, path) {
                return Ok((i as i64, p));
            }
        }
        Err(format!(
            "{path}: writer type {} is in no branch of the reader union",
            describe(&wn)
        ))
    }
}

fn same_kind(w: &Node, r: &Node) -> bool {
    match (w, r) {
        (
            Node::Record { name: a, .. },
            Node::Record {
                name: b, aliases, ..
            },
        )
        | (
            Node::Enum { name: a, .. },
            Node::Enum {
                name: b, aliases, ..
            },
        )
        | (
            Node::Fixed { name: a, .. },
            Node::Fixed {
                name: b, aliases, ..
            },
        ) => names_match(a, b, aliases),
        (Node::Array(_), Node::Array(_)) | (Node::Map(_), Node::Map(_)) => true,
        _ => {
            std::mem::discriminant(w) == std::mem::discriminant(r)
                && !matches!(
                    w,
                    Node::Record { .. } | Node::Enum { .. } | Node::Fixed { .. }
                )
        }
    }
}

fn describe(n: &Node) -> String {
    match n {
        Node::Null => "null".into(),
        Node::Boolean => "boolean".into(),
        Node::Int => "int".into(),
        Node::Long => "long".into(),
        Node::Float => "float".into(),
        Node::Double => "double".into(),
        Node::Bytes => "bytes".into(),
        Node::String => "string".into(),
        Node::Fixed { name, .. } => format!("fixed {name}"),
        Node::Enum { name, .. } => format!("enum {name}"),
        Node::Array(_) => "array".into(),
        Node::Map(_) => "map".into(),
        Node::Union(_) => "union".into(),
        Node::Record { name, .. } => format!("record {name}"),
        Node::Ref(name) => format!("undefined type {name}"),
    }
}
