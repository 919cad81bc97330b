//! Finds the definitions of the crate's `#[derive(StreamSchema)]` types in its source files,
//! so a pinned type's check sees its nested types too (a derive only sees its own tokens).
//!
//! Rustc re-runs derives on every build of the crate, so an edit to a nested type in
//! another file is seen on the next build.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use quote::ToTokens;
use syn::{DeriveInput, Item};

/// Derived types by name, as source text; a name defined twice keeps every definition
/// (ambiguous). A definition is parsed when a pin asks for it ([`Index::get`]), so a
/// crate with many pins parses each file once, not once per pin.
#[derive(Default)]
pub struct Index {
    types: HashMap<String, Vec<String>>,
}

/// One scanned source file: what the scan kept, valid while the file's modification time
/// and length are unchanged.
struct ScannedFile {
    modified: Option<SystemTime>,
    len: u64,
    /// `(name, item source)` of each `#[derive(StreamSchema)]` type, in file order.
    types: Vec<(String, String)>,
}

/// Files already scanned in this compiler process. Rustc runs every derive of a crate in
/// one process (and rust-analyzer keeps its proc-macro server alive), so the cache saves
/// re-reading and re-parsing the crate's sources at every pin; it holds plain strings
/// because compiler-backed tokens must not outlive the expansion that made them.
static SCANNED: Mutex<Option<HashMap<PathBuf, ScannedFile>>> = Mutex::new(None);

impl Index {
    /// Scans `current_file` first, then every `.rs` file under the crate's `src/`.
    pub fn scan(current_file: Option<&Path>) -> Index {
        let mut index = Index::default();
        let mut files: Vec<PathBuf> = Vec::new();
        if let Some(f) = current_file {
            files.push(f.to_path_buf());
        }
        if let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") {
            collect_rs(&Path::new(&dir).join("src"), &mut files, 0);
        }
        let mut seen = std::collections::HashSet::new();
        let mut cache = SCANNED.lock().unwrap_or_else(PoisonError::into_inner);
        let cache = cache.get_or_insert_with(HashMap::new);
        for f in files {
            let canonical = fs::canonicalize(&f).unwrap_or(f.clone());
            if !seen.insert(canonical.clone()) {
                continue;
            }
            let Ok(meta) = fs::metadata(&canonical) else {
                continue;
            };
            let modified = meta.modified().ok();
            let fresh = cache.get(&canonical).is_some_and(|s| {
                s.modified.is_some() && s.modified == modified && s.len == meta.len()
            });
            if !fresh {
                let Some(types) = scan_file(&canonical) else {
                    cache.remove(&canonical);
                    continue;
                };
                cache.insert(
                    canonical.clone(),
                    ScannedFile {
                        modified,
                        len: meta.len(),
                        types,
                    },
                );
            }
            if let Some(scanned) = cache.get(&canonical) {
                for (name, text) in &scanned.types {
                    index
                        .types
                        .entry(name.clone())
                        .or_default()
                        .push(text.clone());
                }
            }
        }
        index
    }

    /// The one definition named `name` (the first found when the current file has it).
    pub fn get(&self, name: &str) -> Option<DeriveInput> {
        let text = self.types.get(name)?.first()?;
        syn::parse_str::<DeriveInput>(text).ok()
    }
}

/// The derived types of one file, or `None` when it cannot be read or parsed.
fn scan_file(path: &Path) -> Option<Vec<(String, String)>> {
    let text = fs::read_to_string(path).ok()?;
    let file = syn::parse_file(&text).ok()?;
    let mut types = Vec::new();
    add_items(&file.items, &mut types, 0);
    Some(types)
}

fn add_items(items: &[Item], out: &mut Vec<(String, String)>, depth: usize) {
    if depth > 64 {
        return;
    }
    for item in items {
        match item {
            Item::Struct(s) if derives_stream_schema(&s.attrs) => {
                out.push((s.ident.to_string(), s.to_token_stream().to_string()))
            }
            Item::Enum(e) if derives_stream_schema(&e.attrs) => {
                out.push((e.ident.to_string(), e.to_token_stream().to_string()))
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    add_items(items, out, depth + 1);
                }
            }
            _ => {}
        }
    }
}

fn derives_stream_schema(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|paths| {
                paths
                    .iter()
                    .any(|p| p.segments.last().is_some_and(|s| s.ident == "StreamSchema"))
            })
    })
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_rs(&p, out, depth + 1);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}
