//! Which file each definition of a type model lives in, so that every message and enum is
//! written at its own full name (the `full_name()` of its type): a file has one package, a
//! definition whose namespace is the full name of a message is nested in that message, and
//! files import each other without cycles.
//!
//! The unit of placement is a top-level definition with the definitions nested in it. A
//! unit lives in the file of its *home*:
//! - the root's unit, and a unit of units that refer to each other (a strongly connected
//!   component, which must share one file), start the file of their own when something of
//!   another package refers to them, or when files of different homes do: they would
//!   otherwise be defined twice, or close an import cycle;
//! - any other unit lives in the file of the units that refer to it (all of one home and
//!   of its package).
//!
//! So a type of another package is imported from its own file, as its own schema has it
//! when nothing else shares its definitions; a type of the root's package that a type of
//! another package needs lives in a file of its own, which both import; a type two imported
//! files need is defined once, in its own file. Units of two packages that refer to each
//! other cannot be written with their names ([`ProtoBuildError::PackageCycle`]).

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use crate::model::{Def, TypeModel};

use super::{file_name_for, namespace_of, needed_defs, referenced_names, ProtoBuildError};

/// One file to write: its import path, package and definitions.
pub(super) struct PlannedFile<'m> {
    /// The import path (`shop/v1/Line.proto`).
    pub name: String,
    /// The package: the namespace of the file's first unit.
    pub package: Option<&'m str>,
    /// The top-level definitions, the file's own root first.
    pub top: Vec<&'m Def>,
    /// Where a walk meets the file's definitions in the order they are written: the
    /// schema's root for its file, else the file's first unit.
    start: &'m Def,
}

/// Where each definition reachable from a root lives.
pub(super) struct Layout<'m> {
    /// The files, the root's first.
    pub files: Vec<PlannedFile<'m>>,
    /// The index in `files` of the file holding each definition, by full name.
    pub file_of: HashMap<&'m str, usize>,
    /// The definitions nested in each definition, in first-use order.
    pub nested: HashMap<&'m str, Vec<&'m Def>>,
}

impl<'m> Layout<'m> {
    /// Places every definition `root` needs (see the module docs).
    pub fn plan(model: &'m TypeModel, root: &'m Def) -> Result<Self, ProtoBuildError> {
        let order = reached(model, root)?;
        // Units: top-level definitions, in first-use order (the root's first).
        let mut tops: Vec<&'m Def> = Vec::new();
        let mut unit_of: HashMap<&'m str, usize> = HashMap::new();
        let mut top_of: HashMap<&'m str, &'m Def> = HashMap::new();
        for &def in &order {
            let top = outermost(model, def)?;
            top_of.insert(def.full_name(), top);
        }
        for &def in &order {
            let top = top_of[def.full_name()];
            let next = tops.len();
            let unit = *unit_of.entry(top.full_name()).or_insert(next);
            if unit == next {
                tops.push(top);
            }
            unit_of.insert(def.full_name(), unit);
        }
        let units = tops.len();
        let mut edges: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); units];
        for &def in &order {
            let from = unit_of[def.full_name()];
            for name in referenced_names(model, def) {
                let to = *unit_of
                    .get(name)
                    .ok_or_else(|| ProtoBuildError::UndefinedName(name.to_string()))?;
                if to != from {
                    edges[from].insert(to);
                }
            }
        }
        let package = |unit: usize| namespace_of(tops[unit].full_name());
        let component = components(&edges);
        for unit in 0..units {
            let first = component[unit];
            if package(unit) != package(first) {
                return Err(ProtoBuildError::PackageCycle {
                    first: tops[first].full_name().to_string(),
                    second: tops[unit].full_name().to_string(),
                });
            }
        }
        let home = homes(&edges, &component, &package);
        // One file per home, in first-use order of the homes (the root's first).
        let mut file_index: HashMap<usize, usize> = HashMap::new();
        let mut files: Vec<PlannedFile<'m>> = Vec::new();
        for unit in 0..units {
            let h = home[component[unit]];
            if let Entry::Vacant(slot) = file_index.entry(h) {
                slot.insert(files.len());
                files.push(PlannedFile {
                    name: file_name_for(tops[h].full_name()),
                    package: package(h),
                    top: Vec::new(),
                    start: if h == component[0] { root } else { tops[h] },
                });
            }
        }
        let file_of: HashMap<&'m str, usize> = order
            .iter()
            .map(|def| {
                let unit = unit_of[def.full_name()];
                (def.full_name(), file_index[&home[component[unit]]])
            })
            .collect();
        // Each file's definitions in the order a walk from its first unit meets them (the
        // order the file has as a root of its own), then any the walk does not meet.
        let mut nested: HashMap<&'m str, Vec<&'m Def>> = HashMap::new();
        let mut placed: HashSet<&'m str> = HashSet::new();
        for (index, file) in files.iter_mut().enumerate() {
            let walk = needed_defs(model, file.start)?;
            for def in walk.iter().chain(order.iter()).copied() {
                if file_of.get(def.full_name()) != Some(&index) || !placed.insert(def.full_name()) {
                    continue;
                }
                match parent_of(model, def)? {
                    Some(parent) => nested.entry(parent.full_name()).or_default().push(def),
                    None => file.top.push(def),
                }
            }
        }
        Ok(Layout {
            files,
            file_of,
            nested,
        })
    }
}

/// Every definition `root` needs, in first-use order: the ones it refers to, and the
/// message each nested definition is nested in (with what that message needs).
fn reached<'m>(model: &'m TypeModel, root: &'m Def) -> Result<Vec<&'m Def>, ProtoBuildError> {
    let mut order = needed_defs(model, root)?;
    let mut seen: HashSet<&str> = order.iter().map(|d| d.full_name()).collect();
    let mut next = 0;
    // Each round adds definitions not seen before: it ends with the model.
    while let Some(&def) = order.get(next) {
        next += 1;
        if let Some(parent) = parent_of(model, def)? {
            if !seen.contains(parent.full_name()) {
                for d in needed_defs(model, parent)? {
                    if seen.insert(d.full_name()) {
                        order.push(d);
                    }
                }
            }
        }
    }
    Ok(order)
}

/// The message `def` is nested in: the definition its namespace names, if any (Protobuf
/// names a nested message `pkg.Outer.Inner`). An enum holds no definitions.
pub(super) fn parent_of<'m>(
    model: &'m TypeModel,
    def: &Def,
) -> Result<Option<&'m Def>, ProtoBuildError> {
    let Some(namespace) = namespace_of(def.full_name()) else {
        return Ok(None);
    };
    match model.def(namespace) {
        Some(Def::Enum(_)) => Err(ProtoBuildError::NestedInEnum {
            nested: def.full_name().to_string(),
            enclosing: namespace.to_string(),
        }),
        other => Ok(other),
    }
}

/// The top-level definition `def` is (or is nested in).
fn outermost<'m>(model: &'m TypeModel, def: &'m Def) -> Result<&'m Def, ProtoBuildError> {
    let mut top = def;
    // Each step drops a name segment: at most as many steps as the name has.
    while let Some(parent) = parent_of(model, top)? {
        top = parent;
    }
    Ok(top)
}

/// The strongly connected component of each unit, named by its first unit (the lowest
/// index): `u` and `v` share one when each reaches the other.
fn components(edges: &[BTreeSet<usize>]) -> Vec<usize> {
    let reach: Vec<Vec<bool>> = (0..edges.len())
        .map(|from| {
            let mut seen = vec![false; edges.len()];
            let mut queue = VecDeque::from([from]);
            while let Some(unit) = queue.pop_front() {
                for &to in &edges[unit] {
                    if !seen[to] {
                        seen[to] = true;
                        queue.push_back(to);
                    }
                }
            }
            seen
        })
        .collect();
    (0..edges.len())
        .map(|unit| {
            (0..unit)
                .find(|&other| reach[unit][other] && reach[other][unit])
                .unwrap_or(unit)
        })
        .collect()
}

/// The home of each component (by its first unit; see the module docs), computed in
/// topological order: the components that refer to one come first. The root's component
/// is unit 0's.
fn homes<'p>(
    edges: &[BTreeSet<usize>],
    component: &[usize],
    package: &dyn Fn(usize) -> Option<&'p str>,
) -> Vec<usize> {
    let units = edges.len();
    let mut preds: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); units];
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            let (a, b) = (component[from], component[to]);
            if a != b {
                preds[b].insert(a);
            }
        }
    }
    let mut waiting: Vec<usize> = preds.iter().map(BTreeSet::len).collect();
    let mut home: Vec<usize> = (0..units).collect();
    let mut ready: VecDeque<usize> = (0..units)
        .filter(|&u| component[u] == u && waiting[u] == 0)
        .collect();
    while let Some(c) = ready.pop_front() {
        let mut pred_homes = preds[c].iter().map(|&p| home[p]);
        let shared = match pred_homes.next() {
            Some(first) if pred_homes.all(|h| h == first) => Some(first),
            _ => None,
        };
        let same_package = preds[c].iter().all(|&p| package(p) == package(c));
        home[c] = match shared {
            Some(h) if same_package && c != component[0] => h,
            _ => c,
        };
        for unit in 0..units {
            if component[unit] == unit && preds[unit].contains(&c) {
                waiting[unit] -= 1;
                if waiting[unit] == 0 {
                    ready.push_back(unit);
                }
            }
        }
    }
    home
}
