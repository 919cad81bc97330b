//! Avro schema resolution: reading data written with one schema (the writer's, found by
//! the schema id) as a type whose schema differs (the reader's).
//!
//! A [`Resolution`] is built once per (writer schema, reader type) and cached by callers.
//! [`Resolution::decode`] reads the writer's bytes straight into the reader type: derived
//! records, arrays, maps, options and promoted numbers follow the plan value by value (see
//! `step`), and any other value whose bytes differ between the schemas (a mapped enum
//! symbol or union branch) is first rewritten into the reader schema's bytes (see `run`;
//! [`Resolution::transcode`] rewrites a whole payload that way). When both schemas have the
//! same canonical form, the reader's decoder reads the payload as is.

mod default;
mod layout;
mod plan;
mod run;
mod scalar;
pub(crate) mod step;
mod tree;
mod verbatim;

use std::cell::RefCell;

use serde_json::Value;

use super::{AvroDecode, DecodeError};
use crate::schema::avro::parsing_canonical_form;
use plan::{Builder, Plan};
// The step types are for generated decoders only: `crate::__private` re-exports them.
pub(crate) use step::{Optional, Step};
use tree::Tree;

/// Why a writer schema cannot be read as the reader's type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// A schema's JSON is not an Avro schema.
    #[error("invalid {which} schema: {message}")]
    InvalidSchema {
        /// `writer` or `reader`.
        which: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The reader cannot read what the writer wrote; the message names the field.
    #[error("incompatible schemas: {0}")]
    Incompatible(String),
}

/// A reusable plan for reading one writer schema as one reader schema.
#[derive(Debug)]
pub struct Resolution {
    identity: bool,
    writer: Tree,
    plans: Vec<Plan>,
    /// Per plan: its writer bytes are the reader's bytes (see `verbatim`).
    verbatim: Vec<bool>,
    root: usize,
}

impl Resolution {
    /// Builds the plan from the writer's and the reader's schema JSON text.
    pub fn new(writer: &str, reader: &str) -> Result<Self, ResolveError> {
        let w: Value = serde_json::from_str(writer)
            .or_else(|_| serde_json::from_str(&format!("\"{writer}\"")))
            .map_err(|e| ResolveError::InvalidSchema {
                which: "writer",
                message: e.to_string(),
            })?;
        let r: Value = serde_json::from_str(reader).map_err(|e| ResolveError::InvalidSchema {
            which: "reader",
            message: e.to_string(),
        })?;
        Self::from_json(&w, &r)
    }

    /// Builds the plan from parsed schema JSON.
    pub fn from_json(writer: &Value, reader: &Value) -> Result<Self, ResolveError> {
        let wt = Tree::parse(writer).map_err(|message| ResolveError::InvalidSchema {
            which: "writer",
            message,
        })?;
        let rt = Tree::parse(reader).map_err(|message| ResolveError::InvalidSchema {
            which: "reader",
            message,
        })?;
        let identity = parsing_canonical_form(writer) == parsing_canonical_form(reader);
        let mut b = Builder::new(&wt, &rt);
        let root = b
            .plan(wt.root, rt.root, "")
            .map_err(|m| ResolveError::Incompatible(m.trim_start_matches('.').to_string()))?;
        let mut plans = b.plans;
        let verbatim = verbatim::verbatim_plans(&plans);
        layout::fill_layouts(&mut plans, &verbatim);
        Ok(Resolution {
            identity,
            writer: wt,
            verbatim,
            plans,
            root,
        })
    }

    /// Whether the two schemas are the same (no rewriting needed).
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Rewrites a writer payload into reader-schema bytes, appended to `out`.
    pub fn transcode(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<(), DecodeError> {
        let mut input = payload;
        self.run(self.root, &mut input, out, 0)
    }

    /// Decodes a writer payload as `T` (whose schema must be the reader schema this plan
    /// was built for). `scratch` holds values that must be rewritten before `T`'s decoder
    /// reads them; it is reused between calls to avoid allocating.
    pub fn decode<T: AvroDecode>(
        &self,
        payload: &[u8],
        scratch: &mut Vec<u8>,
    ) -> Result<T, DecodeError> {
        let mut input = payload;
        if self.identity {
            return T::decode_avro(&mut input);
        }
        let cell = RefCell::new(std::mem::take(scratch));
        let result = T::decode_avro_resolved(&mut input, Step::root(self, Some(&cell)));
        *scratch = cell.into_inner();
        result
    }

    /// [`decode`](Self::decode) with a scratch buffer of the calling thread's own, taken
    /// only when a value must be rewritten (most evolutions need none).
    #[inline]
    pub fn decode_with_thread_scratch<T: AvroDecode>(
        &self,
        payload: &[u8],
    ) -> Result<T, DecodeError> {
        let mut input = payload;
        if self.identity {
            return T::decode_avro(&mut input);
        }
        T::decode_avro_resolved(&mut input, Step::root(self, None))
    }
}
