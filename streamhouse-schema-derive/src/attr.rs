//! Typed attributes: `#[stream_schema(...)]`, the serde attributes we honour, and doc comments.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::parse::Parse as _;
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Lit, LitStr, UnOp};

use crate::attr_contract::ContractAttrs;
use crate::case::RenameRule;
use crate::ctxt::Ctxt;

/// A value with the span of the attribute that set it, for error messages.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Where an attribute came from, for conflict messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    StreamSchema,
    Serde,
}

/// A setting that both `#[stream_schema]` and `#[serde]` may give; they must agree.
#[derive(Debug)]
pub struct Setting<T> {
    name: &'static str,
    value: Option<(Spanned<T>, Origin)>,
}

impl<T: PartialEq + std::fmt::Debug + Clone> Setting<T> {
    fn new(name: &'static str) -> Self {
        Setting { name, value: None }
    }

    fn set(&mut self, cx: &Ctxt, origin: Origin, span: Span, value: T) {
        match &self.value {
            None => self.value = Some((Spanned { value, span }, origin)),
            Some((prev, prev_origin)) if *prev_origin == origin => {
                let _ = prev;
                cx.syn_error(syn::Error::new(
                    span,
                    format!("duplicate `{}` attribute: keep one", self.name),
                ));
            }
            Some((prev, _)) if prev.value != value => cx.syn_error(syn::Error::new(
                span,
                format!(
                    "conflicting `{}`: #[serde] says {:?} but #[stream_schema] says {:?}; they must agree (or keep only one)",
                    self.name, prev.value, value
                ),
            )),
            Some(_) => {}
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(s, _)| &s.value)
    }

    pub fn spanned(&self) -> Option<&Spanned<T>> {
        self.value.as_ref().map(|(s, _)| s)
    }

    pub fn origin(&self) -> Option<Origin> {
        self.value.as_ref().map(|(_, o)| *o)
    }
}

/// `default = <json>` on a field, or the bare `default` flag (Rust `Default` when skipped).
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultAttr {
    /// The reader default, as JSON text (already validated as JSON).
    Json(String),
    /// Use `Default::default()` (bare `default`, or serde `default`).
    RustDefault,
    /// Use this function (serde `default = "path"`).
    Path(String),
}

/// `unit = "millis" | "micros"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Millis,
    Micros,
}

/// `repr = "long" | "fixed" | "array"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    Long,
    Fixed,
    Array,
}

/// `proto = "sint32" | "sint64" | "fixed32" | "fixed64" | "sfixed32" | "sfixed64"`: the
/// Protobuf integer encoding of a field (the variant names match the runtime `ProtoInt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProtoInt {
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
}

impl ProtoInt {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "sint32" => ProtoInt::Sint32,
            "sint64" => ProtoInt::Sint64,
            "fixed32" => ProtoInt::Fixed32,
            "fixed64" => ProtoInt::Fixed64,
            "sfixed32" => ProtoInt::Sfixed32,
            "sfixed64" => ProtoInt::Sfixed64,
            _ => return None,
        })
    }

    /// The Protobuf type name (`sint64`).
    pub fn proto_name(self) -> &'static str {
        match self {
            ProtoInt::Sint32 => "sint32",
            ProtoInt::Sint64 => "sint64",
            ProtoInt::Fixed32 => "fixed32",
            ProtoInt::Fixed64 => "fixed64",
            ProtoInt::Sfixed32 => "sfixed32",
            ProtoInt::Sfixed64 => "sfixed64",
        }
    }

    /// The same choice in the shared type model.
    pub fn to_core(self) -> streamhouse_schema_core::model::ProtoInt {
        use streamhouse_schema_core::model::ProtoInt as Core;
        match self {
            ProtoInt::Sint32 => Core::Sint32,
            ProtoInt::Sint64 => Core::Sint64,
            ProtoInt::Fixed32 => Core::Fixed32,
            ProtoInt::Fixed64 => Core::Fixed64,
            ProtoInt::Sfixed32 => Core::Sfixed32,
            ProtoInt::Sfixed64 => Core::Sfixed64,
        }
    }

    /// The runtime `ProtoInt` variant name.
    pub fn variant(self) -> &'static str {
        match self {
            ProtoInt::Sint32 => "Sint32",
            ProtoInt::Sint64 => "Sint64",
            ProtoInt::Fixed32 => "Fixed32",
            ProtoInt::Fixed64 => "Fixed64",
            ProtoInt::Sfixed32 => "Sfixed32",
            ProtoInt::Sfixed64 => "Sfixed64",
        }
    }
}

/// `format = "avro" | "json" | "protobuf"` on a container: the payload format the type is
/// sent in unless the producer builder chooses another for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Avro,
    Json,
    Protobuf,
}

impl Format {
    fn parse(lit: &LitStr) -> syn::Result<Self> {
        match lit.value().as_str() {
            "avro" => Ok(Format::Avro),
            "json" => Ok(Format::Json),
            "protobuf" => Ok(Format::Protobuf),
            other => Err(syn::Error::new(
                lit.span(),
                format!("unknown format {other:?}: expected \"avro\", \"json\" or \"protobuf\""),
            )),
        }
    }

    /// The runtime `SchemaFormat` variant name.
    pub fn variant(self) -> &'static str {
        match self {
            Format::Avro => "Avro",
            Format::Json => "Json",
            Format::Protobuf => "Protobuf",
        }
    }
}

/// `decimal(precision = P, scale = S, fixed = "Name", size = N)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    pub precision: u32,
    pub scale: u32,
    pub fixed: Option<(String, usize)>,
}

pub struct ContainerAttrs {
    pub name: Setting<String>,
    pub namespace: Option<Spanned<String>>,
    pub doc: Option<String>,
    pub rename_all: Setting<RenameRule>,
    pub topic: Option<Spanned<String>>,
    pub aliases: Vec<Spanned<String>>,
    pub untagged: Setting<bool>,
    pub transparent: bool,
    pub reserved_tags: Vec<u32>,
    pub reserved_names: Vec<String>,
    pub pin: Option<Spanned<String>>,
    pub compatibility: Option<Spanned<String>>,
    pub fingerprint: Option<Spanned<String>>,
    /// JSON Schema `additionalProperties` for the type's objects.
    pub additional_properties: Option<bool>,
    /// `protobuf`: the type is a Protobuf message (or enum) too.
    pub protobuf: Option<Span>,
    /// `format = "..."`: the type's own payload format (`format = "protobuf"` also makes
    /// it a Protobuf message, as `protobuf` does).
    pub format: Setting<Format>,
    /// `rule(..)`, `encrypt(..)`, `metadata(..)`: the data contract `send_typed` registers.
    pub contract: ContractAttrs,
    /// `reference`: every use of the type as a field is a schema reference (its Avro and
    /// JSON schemas are registered under their own subject and referred to).
    pub reference: Option<Span>,
}

pub struct FieldAttrs {
    pub rename: Setting<String>,
    pub aliases: Vec<Spanned<String>>,
    pub default: Setting<DefaultAttr>,
    pub skip: Setting<bool>,
    pub doc: Option<String>,
    pub key: Option<Span>,
    pub unit: Option<Spanned<Unit>>,
    pub decimal: Option<Spanned<Decimal>>,
    pub repr: Option<Spanned<Repr>>,
    pub tag: Option<Spanned<u32>>,
    pub proto: Option<Spanned<ProtoInt>>,
    /// `oneof`: an `Option<E>` field whose data enum `E`'s variants are a Protobuf `oneof`
    /// declared inside this message (its members are this message's fields).
    pub oneof: Option<Span>,
    /// `tags("PII", ...)`: Confluent field tags, written into every generated schema.
    pub tags: Vec<Spanned<String>>,
    /// `reference`: the named type the field holds is a schema reference in the type's
    /// Avro and JSON schemas.
    pub reference: Option<Span>,
    pub unsupported_serde: Vec<Spanned<String>>,
    /// An attribute failed to parse (already reported): later checks skip the field so
    /// that users see that one error, not its consequences.
    pub invalid: bool,
}

pub struct VariantAttrs {
    pub rename: Setting<String>,
    pub aliases: Vec<Spanned<String>>,
    pub doc: Option<String>,
    pub default: Option<Span>,
    pub tag: Option<Spanned<u32>>,
    pub unsupported_serde: Vec<Spanned<String>>,
}

/// Doc comments joined into one string, one leading space removed per line.
pub fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
            {
                let v = s.value();
                lines.push(v.strip_prefix(' ').unwrap_or(&v).trim_end().to_string());
            }
        }
    }
    let doc = lines.join("\n").trim().to_string();
    (!doc.is_empty()).then_some(doc)
}

fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    meta.value()?.parse::<LitStr>()
}

/// Consumes an attribute we do not interpret (serde's other settings).
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|m| skip_value(&m))?;
    }
    Ok(())
}

fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_default()
}

/// `rename = "x"` or serde's `rename(serialize = "x", deserialize = "x")`.
fn rename_value(meta: &ParseNestedMeta, what: &str) -> syn::Result<LitStr> {
    if meta.input.peek(syn::Token![=]) {
        return string(meta);
    }
    let mut ser = None;
    let mut de = None;
    meta.parse_nested_meta(|m| {
        if m.path.is_ident("serialize") {
            ser = Some(string(&m)?);
        } else if m.path.is_ident("deserialize") {
            de = Some(string(&m)?);
        } else {
            return Err(m.error("expected `serialize` or `deserialize`"));
        }
        Ok(())
    })?;
    match (ser, de) {
        (Some(s), Some(d)) if s.value() == d.value() => Ok(s),
        (Some(s), None) | (None, Some(s)) => Err(syn::Error::new(
            s.span(),
            format!("a one-sided serde `{what}` gives two different schemas: use the same name for serialize and deserialize"),
        )),
        (Some(s), Some(_)) => Err(syn::Error::new(
            s.span(),
            format!("serde `{what}` with different serialize and deserialize names cannot be one schema"),
        )),
        (None, None) => Err(meta.error(format!("empty `{what}(...)`"))),
    }
}

/// `default = <literal>` as JSON text.
fn json_default(meta: &ParseNestedMeta) -> syn::Result<String> {
    let expr: Expr = meta.value()?.parse()?;
    let (neg, lit) = match &expr {
        Expr::Lit(ExprLit { lit, .. }) => (false, lit),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit { lit, .. }) => (true, lit),
            _ => return Err(syn::Error::new_spanned(&expr, "expected a literal default")),
        },
        _ => {
            return Err(syn::Error::new_spanned(
                &expr,
                "expected a literal default, e.g. default = 0 or default = \"{\\\"a\\\": 1}\"",
            ))
        }
    };
    let sign = if neg { "-" } else { "" };
    let text = match lit {
        Lit::Str(s) => {
            if neg {
                return Err(syn::Error::new_spanned(&expr, "cannot negate a string"));
            }
            s.value()
        }
        Lit::Int(i) => format!("{sign}{}", i.base10_digits()),
        Lit::Float(f) => format!("{sign}{}", f.base10_digits()),
        Lit::Bool(b) if !neg => b.value.to_string(),
        _ => {
            return Err(syn::Error::new_spanned(
                &expr,
                "expected a JSON literal default",
            ))
        }
    };
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
        return Err(syn::Error::new_spanned(
            &expr,
            format!("default {text:?} is not valid JSON ({e}); a string default is written as JSON, e.g. default = \"\\\"text\\\"\""),
        ));
    }
    Ok(text)
}

/// `("A", "B")`: a parenthesized list of string literals (at least one).
pub fn string_list(meta: &ParseNestedMeta) -> syn::Result<Vec<LitStr>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let items = content.parse_terminated(<LitStr as syn::parse::Parse>::parse, syn::Token![,])?;
    if items.is_empty() {
        return Err(meta.error("expected at least one quoted tag, e.g. tags(\"PII\")"));
    }
    Ok(items.into_iter().collect())
}

/// Adds a tag, refusing an empty one and a repeat. Confluent's tag names are free text,
/// but an empty tag selects nothing and a repeat is surely a slip.
pub fn push_tag(tags: &mut Vec<Spanned<String>>, lit: LitStr) -> syn::Result<()> {
    let value = lit.value();
    if value.trim().is_empty() {
        return Err(syn::Error::new(lit.span(), "a tag cannot be empty"));
    }
    if tags.iter().any(|t| t.value == value) {
        return Err(syn::Error::new(
            lit.span(),
            format!("tag {value:?} is given twice"),
        ));
    }
    tags.push(Spanned {
        value,
        span: lit.span(),
    });
    Ok(())
}

fn u32_value(meta: &ParseNestedMeta) -> syn::Result<u32> {
    meta.value()?.parse::<syn::LitInt>()?.base10_parse::<u32>()
}

impl ContainerAttrs {
    /// Parses the container's attributes; errors name `owner`, the type.
    pub fn from_ast(outer: &Ctxt, owner: &str, attrs: &[Attribute]) -> Self {
        let local = Ctxt::default();
        let cx = &local;
        let mut c = ContainerAttrs {
            name: Setting::new("name"),
            namespace: None,
            doc: doc_comment(attrs),
            rename_all: Setting::new("rename_all"),
            topic: None,
            aliases: Vec::new(),
            untagged: Setting::new("untagged"),
            transparent: false,
            reserved_tags: Vec::new(),
            reserved_names: Vec::new(),
            pin: None,
            compatibility: None,
            fingerprint: None,
            additional_properties: None,
            protobuf: None,
            format: Setting::new("format"),
            contract: ContractAttrs::default(),
            reference: None,
        };
        for attr in attrs {
            if attr.path().is_ident("stream_schema") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    match key_name(&meta).as_str() {
                        "pin" => c.pin = Some(Spanned { value: string(&meta)?.value(), span }),
                        "compatibility" => c.compatibility = Some(Spanned { value: string(&meta)?.value(), span }),
                        "fingerprint" => c.fingerprint = Some(Spanned { value: string(&meta)?.value(), span }),
                        "name" => c.name.set(cx, Origin::StreamSchema, span, string(&meta)?.value()),
                        "namespace" => {
                            c.namespace = Some(Spanned { value: string(&meta)?.value(), span })
                        }
                        "doc" => c.doc = Some(string(&meta)?.value()),
                        "rename_all" => {
                            let rule = RenameRule::from_lit(&string(&meta)?)?;
                            c.rename_all.set(cx, Origin::StreamSchema, span, rule)
                        }
                        "topic" => c.topic = Some(Spanned { value: string(&meta)?.value(), span }),
                        "alias" => c.aliases.push(Spanned { value: string(&meta)?.value(), span }),
                        "untagged" => c.untagged.set(cx, Origin::StreamSchema, span, true),
                        "additional_properties" => {
                            c.additional_properties = Some(meta.value()?.parse::<syn::LitBool>()?.value)
                        }
                        "protobuf" => c.protobuf = Some(span),
                        "reference" => c.reference = Some(span),
                        "format" => {
                            let format = Format::parse(&string(&meta)?)?;
                            c.format.set(cx, Origin::StreamSchema, span, format)
                        }
                        k @ ("rule" | "encrypt" | "metadata") => {
                            c.contract.parse(k, &meta)?;
                        }
                        "reserved" => {
                            // `reserved(2, 15, "old_name")`: literals, which nested-meta
                            // parsing (paths only) cannot read.
                            let content;
                            syn::parenthesized!(content in meta.input);
                            let items = content.parse_terminated(Lit::parse, syn::Token![,])?;
                            for lit in items {
                                match lit {
                                    Lit::Int(i) => c.reserved_tags.push(i.base10_parse()?),
                                    Lit::Str(s) => c.reserved_names.push(s.value()),
                                    other => return Err(syn::Error::new(other.span(), "expected a field number or a quoted field name")),
                                }
                            }
                        }
                        _ => {
                            return Err(meta.error(format!(
                                "unknown stream_schema container attribute `{}`: expected one of name, namespace, doc, rename_all, topic, alias, untagged, reserved, pin, compatibility, fingerprint, additional_properties, protobuf, format, rule, encrypt, metadata, reference",
                                key_name(&meta)
                            )))
                        }
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            } else if attr.path().is_ident("serde") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    match key_name(&meta).as_str() {
                        "rename" => c.name.set(cx, Origin::Serde, span, rename_value(&meta, "rename")?.value()),
                        "rename_all" => {
                            let rule = RenameRule::from_lit(&rename_value(&meta, "rename_all")?)?;
                            c.rename_all.set(cx, Origin::Serde, span, rule)
                        }
                        "untagged" => c.untagged.set(cx, Origin::Serde, span, true),
                        "transparent" => c.transparent = true,
                        "tag" | "content" => {
                            return Err(meta.error("internally/adjacently tagged serde enums are not supported by StreamSchema: use the default (externally tagged) or `untagged`"))
                        }
                        _ => skip_value(&meta)?,
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            }
        }
        outer.absorb(local, owner);
        c
    }
}

impl FieldAttrs {
    /// Parses a field's attributes; errors name `owner`, `Type.field`.
    pub fn from_ast(outer: &Ctxt, owner: &str, attrs: &[Attribute]) -> Self {
        let local = Ctxt::default();
        let cx = &local;
        let mut f = FieldAttrs {
            rename: Setting::new("rename"),
            aliases: Vec::new(),
            default: Setting::new("default"),
            skip: Setting::new("skip"),
            doc: doc_comment(attrs),
            key: None,
            unit: None,
            decimal: None,
            repr: None,
            tag: None,
            proto: None,
            oneof: None,
            tags: Vec::new(),
            reference: None,
            unsupported_serde: Vec::new(),
            invalid: false,
        };
        for attr in attrs {
            if attr.path().is_ident("stream_schema") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    match key_name(&meta).as_str() {
                        "rename" => f.rename.set(cx, Origin::StreamSchema, span, string(&meta)?.value()),
                        "alias" => f.aliases.push(Spanned { value: string(&meta)?.value(), span }),
                        "default" => {
                            let d = if meta.input.peek(syn::Token![=]) {
                                DefaultAttr::Json(json_default(&meta)?)
                            } else {
                                DefaultAttr::RustDefault
                            };
                            f.default.set(cx, Origin::StreamSchema, span, d)
                        }
                        "skip" => f.skip.set(cx, Origin::StreamSchema, span, true),
                        "doc" => f.doc = Some(string(&meta)?.value()),
                        "key" => f.key = Some(span),
                        "unit" => {
                            let lit = string(&meta)?;
                            let unit = match lit.value().as_str() {
                                "millis" => Unit::Millis,
                                "micros" => Unit::Micros,
                                other => return Err(syn::Error::new(lit.span(), format!("unknown unit {other:?}: expected \"millis\" or \"micros\""))),
                            };
                            f.unit = Some(Spanned { value: unit, span })
                        }
                        "repr" => {
                            let lit = string(&meta)?;
                            let repr = match lit.value().as_str() {
                                "long" => Repr::Long,
                                "fixed" => Repr::Fixed,
                                "array" => Repr::Array,
                                other => return Err(syn::Error::new(lit.span(), format!("unknown repr {other:?}: expected \"long\", \"fixed\" or \"array\""))),
                            };
                            f.repr = Some(Spanned { value: repr, span })
                        }
                        "decimal" => {
                            let mut precision = None;
                            let mut scale = None;
                            let mut fixed = None;
                            let mut size = None;
                            meta.parse_nested_meta(|m| {
                                match key_name(&m).as_str() {
                                    "precision" => precision = Some(u32_value(&m)?),
                                    "scale" => scale = Some(u32_value(&m)?),
                                    "fixed" => fixed = Some(string(&m)?.value()),
                                    "size" => size = Some(u32_value(&m)? as usize),
                                    _ => return Err(m.error("expected precision, scale, fixed or size")),
                                }
                                Ok(())
                            })?;
                            let Some(precision) = precision else {
                                return Err(meta.error("decimal(...) needs `precision = N`"));
                            };
                            let scale = scale.unwrap_or(0);
                            if precision == 0 || scale > precision {
                                return Err(meta.error(format!("decimal precision must be > 0 and scale <= precision (got precision {precision}, scale {scale})")));
                            }
                            let fixed = match (fixed, size) {
                                (Some(n), Some(s)) => Some((n, s)),
                                (None, None) => None,
                                _ => return Err(meta.error("decimal fixed needs both `fixed = \"Name\"` and `size = N`")),
                            };
                            f.decimal = Some(Spanned { value: Decimal { precision, scale, fixed }, span })
                        }
                        "tag" => f.tag = Some(Spanned { value: u32_value(&meta)?, span }),
                        "proto" => {
                            let lit = string(&meta)?;
                            let Some(kind) = ProtoInt::parse(&lit.value()) else {
                                return Err(syn::Error::new(lit.span(), format!("unknown proto integer encoding {:?}: expected \"sint32\", \"sint64\", \"fixed32\", \"fixed64\", \"sfixed32\" or \"sfixed64\"", lit.value())));
                            };
                            f.proto = Some(Spanned { value: kind, span })
                        }
                        "oneof" => f.oneof = Some(span),
                        "reference" => f.reference = Some(span),
                        "tags" => {
                            for tag in string_list(&meta)? {
                                push_tag(&mut f.tags, tag)?;
                            }
                        }
                        _ => {
                            return Err(meta.error(format!(
                                "unknown stream_schema field attribute `{}`: expected one of rename, alias, default, skip, doc, key, unit, repr, decimal, tag, proto, oneof, tags, reference",
                                key_name(&meta)
                            )))
                        }
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            } else if attr.path().is_ident("serde") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    match key_name(&meta).as_str() {
                        "rename" => f.rename.set(
                            cx,
                            Origin::Serde,
                            span,
                            rename_value(&meta, "rename")?.value(),
                        ),
                        "alias" => f.aliases.push(Spanned {
                            value: string(&meta)?.value(),
                            span,
                        }),
                        "skip" => f.skip.set(cx, Origin::Serde, span, true),
                        "default" => {
                            let d = if meta.input.peek(syn::Token![=]) {
                                DefaultAttr::Path(string(&meta)?.value())
                            } else {
                                DefaultAttr::RustDefault
                            };
                            f.default.set(cx, Origin::Serde, span, d)
                        }
                        k @ ("flatten"
                        | "skip_serializing"
                        | "skip_deserializing"
                        | "skip_serializing_if") => {
                            f.unsupported_serde.push(Spanned {
                                value: k.to_string(),
                                span,
                            });
                            skip_value(&meta)?
                        }
                        _ => skip_value(&meta)?,
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            }
        }
        f.invalid = outer.absorb(local, owner);
        f
    }
}

impl VariantAttrs {
    /// Parses a variant's attributes; errors name `owner`, `Type::Variant`.
    pub fn from_ast(outer: &Ctxt, owner: &str, attrs: &[Attribute]) -> Self {
        let local = Ctxt::default();
        let cx = &local;
        let mut v = VariantAttrs {
            rename: Setting::new("rename"),
            aliases: Vec::new(),
            doc: doc_comment(attrs),
            default: None,
            tag: None,
            unsupported_serde: Vec::new(),
        };
        for attr in attrs {
            if attr.path().is_ident("stream_schema") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    match key_name(&meta).as_str() {
                        "rename" => v.rename.set(cx, Origin::StreamSchema, span, string(&meta)?.value()),
                        "alias" => v.aliases.push(Spanned { value: string(&meta)?.value(), span }),
                        "doc" => v.doc = Some(string(&meta)?.value()),
                        "default" => v.default = Some(span),
                        "tag" => v.tag = Some(Spanned { value: u32_value(&meta)?, span }),
                        _ => {
                            return Err(meta.error(format!(
                                "unknown stream_schema variant attribute `{}`: expected one of rename, alias, doc, default, tag",
                                key_name(&meta)
                            )))
                        }
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            } else if attr.path().is_ident("serde") {
                let r = attr.parse_nested_meta(|meta| {
                    let span = meta.path.span();
                    match key_name(&meta).as_str() {
                        "rename" => v.rename.set(
                            cx,
                            Origin::Serde,
                            span,
                            rename_value(&meta, "rename")?.value(),
                        ),
                        "alias" => v.aliases.push(Spanned {
                            value: string(&meta)?.value(),
                            span,
                        }),
                        k @ ("skip" | "skip_serializing" | "skip_deserializing" | "other"
                        | "untagged") => {
                            v.unsupported_serde.push(Spanned {
                                value: k.to_string(),
                                span,
                            });
                            skip_value(&meta)?
                        }
                        _ => skip_value(&meta)?,
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    cx.syn_error(e);
                }
            } else if attr.path().is_ident("default") {
                // std's #[default] (from derive(Default)) marks the enum's reader default too.
                v.default
                    .get_or_insert(attr.path().segments[0].ident.span());
            }
        }
        outer.absorb(local, owner);
        v
    }
}
