//! Finds the definitions of the crate's `#[derive(StreamSchema)]` types in its source files,
//! so a pinned type's check sees its nested types too (a derive only sees its own tokens).
//!
//! Rustc re-runs derives on every build of the crate, so an edit to a nested type in
//! another file is seen on the next build.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use quote::ToTokens;
use syn::{DeriveInput, Item};

/// Derived types by name; a name defined twice keeps every definition (ambiguous).
#[derive(Default)]
pub struct Index {
    pub types: HashMap<String, Vec<DeriveInput>>,
}

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
        for f in files {
            let canonical = fs::canonicalize(&f).unwrap_or(f.clone());
            if !seen.insert(canonical) {
                continue;
            }
            let Ok(text) = fs::read_to_string(&f) else {
                continue;
            };
            let Ok(file) = syn::parse_file(&text) else {
                continue;
            };
            index.add_items(&file.items);
        }
        index
    }

    fn add_items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Struct(s) if derives_stream_schema(&s.attrs) => self.add(s.to_token_stream()),
                Item::Enum(e) if derives_stream_schema(&e.attrs) => self.add(e.to_token_stream()),
                Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.add_items(items);
                    }
                }
                _ => {}
            }
        }
    }

    fn add(&mut self, tokens: proc_macro2::TokenStream) {
        if let Ok(input) = syn::parse2::<DeriveInput>(tokens) {
            self.types
                .entry(input.ident.to_string())
                .or_default()
                .push(input);
        }
    }

    /// The one definition named `name` (the first found when the current file has it).
    pub fn get(&self, name: &str) -> Option<&DeriveInput> {
        self.types.get(name).and_then(|v| v.first())
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
