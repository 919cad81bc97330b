//! Container attributes that declare a data contract: `rule(..)`, `encrypt(..)` and
//! `metadata(..)`, with Confluent's names and defaults (its REST entities `Rule`, `RuleKind`,
//! `RuleMode`, `Metadata`; the encryption executor's params).

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::LitStr;

use crate::attr::{push_tag, string_list, Spanned};

/// The metadata property Confluent's compatibility groups and migration rules use for
/// the major version (`application.major.version` in its data-contract docs and clients).
pub const MAJOR_VERSION: &str = "application.major.version";

/// `encrypt(..)` param names, as Confluent's `FieldEncryptionExecutor` reads them
/// (confluent_kafka/schema_registry/rules/encryption/encrypt_executor.py:
/// `ENCRYPT_KEK_NAME`, `ENCRYPT_KMS_TYPE`, `ENCRYPT_KMS_KEY_ID`, `ENCRYPT_DEK_ALGORITHM`).
const KEK_NAME: &str = "encrypt.kek.name";
const KMS_TYPE: &str = "encrypt.kms.type";
const KMS_KEY_ID: &str = "encrypt.kms.key.id";
const DEK_ALGORITHM: &str = "encrypt.dek.algorithm";

/// `RuleKind.java`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Condition,
    Transform,
}

impl Kind {
    /// The runtime `RuleKind` variant name.
    pub fn variant(self) -> &'static str {
        match self {
            Kind::Condition => "Condition",
            Kind::Transform => "Transform",
        }
    }
}

/// `RuleMode.java`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Write,
    Read,
    WriteRead,
    Upgrade,
    Downgrade,
    UpDown,
}

impl Mode {
    /// The runtime `RuleMode` variant name.
    pub fn variant(self) -> &'static str {
        match self {
            Mode::Write => "Write",
            Mode::Read => "Read",
            Mode::WriteRead => "Writeread",
            Mode::Upgrade => "Upgrade",
            Mode::Downgrade => "Downgrade",
            Mode::UpDown => "Updown",
        }
    }

    /// WRITEREAD and UPDOWN run in two directions, so their actions may be pairs.
    fn allows_pairs(self) -> bool {
        matches!(self, Mode::WriteRead | Mode::UpDown)
    }
}

/// One declared rule, from `rule(..)` or `encrypt(..)`.
#[derive(Clone, Debug)]
pub struct RuleAttr {
    pub name: String,
    /// The `rule` / `encrypt` keyword: where errors about the rule as a whole point.
    pub span: Span,
    pub kind: Kind,
    pub mode: Mode,
    /// `CEL`, `CEL_FIELD`, `JSONATA`, `ENCRYPT`, ...
    pub rule_type: String,
    /// The expression, with the span of its literal.
    pub expr: Option<Spanned<String>>,
    pub tags: Vec<String>,
    pub params: Vec<(String, String)>,
    pub on_success: Option<String>,
    pub on_failure: Option<String>,
    pub doc: Option<String>,
    pub disabled: bool,
}

/// The contract declared on a container.
#[derive(Default)]
pub struct ContractAttrs {
    pub rules: Vec<RuleAttr>,
    /// Metadata properties, in declaration order.
    pub properties: Vec<Spanned<(String, String)>>,
}

impl ContractAttrs {
    /// Whether the type declares nothing.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.properties.is_empty()
    }

    /// Parses `rule(..)`, `encrypt(..)` or `metadata(..)`; `false` for another key.
    pub fn parse(&mut self, key: &str, meta: &ParseNestedMeta) -> syn::Result<bool> {
        match key {
            "rule" => {
                let rule = parse_rule(meta)?;
                self.push_rule(rule)?;
            }
            "encrypt" => {
                let rule = parse_encrypt(meta)?;
                self.push_rule(rule)?;
            }
            "metadata" => self.parse_metadata(meta)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn push_rule(&mut self, rule: RuleAttr) -> syn::Result<()> {
        if self.rules.iter().any(|r| r.name == rule.name) {
            return Err(syn::Error::new(
                rule.span,
                format!(
                    "two rules are named {:?}: a rule set's names must be unique",
                    rule.name
                ),
            ));
        }
        self.rules.push(rule);
        Ok(())
    }

    /// `metadata(owner = "billing", major_version = 2, property("key", "value"))`.
    fn parse_metadata(&mut self, meta: &ParseNestedMeta) -> syn::Result<()> {
        meta.parse_nested_meta(|m| {
            let span = m.path.span();
            let key = m
                .path
                .get_ident()
                .map(|i| i.to_string())
                .ok_or_else(|| m.error("expected a property name"))?;
            let (name, value) = match key.as_str() {
                "major_version" => {
                    let v: syn::LitInt = m.value()?.parse()?;
                    (
                        MAJOR_VERSION.to_string(),
                        v.base10_parse::<u32>()?.to_string(),
                    )
                }
                "property" => {
                    let content;
                    syn::parenthesized!(content in m.input);
                    let name: LitStr = content.parse()?;
                    content.parse::<syn::Token![,]>()?;
                    let value: LitStr = content.parse()?;
                    (name.value(), value.value())
                }
                _ => (key, m.value()?.parse::<LitStr>()?.value()),
            };
            if name.is_empty() {
                return Err(syn::Error::new(span, "a metadata property needs a name"));
            }
            if self.properties.iter().any(|p| p.value.0 == name) {
                return Err(syn::Error::new(
                    span,
                    format!("metadata property {name:?} is given twice"),
                ));
            }
            self.properties.push(Spanned {
                value: (name, value),
                span,
            });
            Ok(())
        })
    }
}

fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    meta.value()?.parse::<LitStr>()
}

/// `rule(name = "..", expr = "..", kind = "CONDITION", mode = "WRITE", type = "CEL",
/// tags("PII"), param("k", "v"), on_success = "NONE", on_failure = "ERROR", doc = "..",
/// disabled)`: a CEL condition run on write unless told otherwise.
fn parse_rule(meta: &ParseNestedMeta) -> syn::Result<RuleAttr> {
    let span = meta.path.span();
    let mut name: Option<LitStr> = None;
    let mut kind = None;
    let mut mode = None;
    let mut rule_type = None;
    let mut r = RuleAttr {
        name: String::new(),
        span,
        kind: Kind::Condition,
        mode: Mode::Write,
        rule_type: "CEL".to_string(),
        expr: None,
        tags: Vec::new(),
        params: Vec::new(),
        on_success: None,
        on_failure: None,
        doc: None,
        disabled: false,
    };
    let mut tags = Vec::new();
    meta.parse_nested_meta(|m| {
        let key = m.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        match key.as_str() {
            "name" => name = Some(string(&m)?),
            "expr" => {
                let lit = string(&m)?;
                r.expr = Some(Spanned {
                    value: lit.value(),
                    span: lit.span(),
                })
            }
            "kind" => kind = Some(parse_kind(&string(&m)?)?),
            "mode" => mode = Some(parse_mode(&string(&m)?)?),
            "type" => {
                let lit = string(&m)?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(lit.span(), "a rule type cannot be empty"));
                }
                rule_type = Some(lit.value().to_uppercase())
            }
            "tags" => {
                for tag in string_list(&m)? {
                    push_tag(&mut tags, tag)?;
                }
            }
            "param" => r.params.push(param(&m)?),
            "on_success" => r.on_success = Some(action(&string(&m)?)?),
            "on_failure" => r.on_failure = Some(action(&string(&m)?)?),
            "doc" => r.doc = Some(string(&m)?.value()),
            "disabled" => r.disabled = true,
            _ => return Err(m.error(format!(
                "unknown rule attribute `{key}`: expected one of name, expr, kind, mode, type, tags, param, on_success, on_failure, doc, disabled"
            ))),
        }
        Ok(())
    })?;
    let Some(name) = name else {
        return Err(syn::Error::new(span, "a rule needs a `name = \"...\"`"));
    };
    r.name = rule_name(&name)?;
    r.kind = kind.unwrap_or(Kind::Condition);
    r.mode = mode.unwrap_or(Mode::Write);
    if let Some(t) = rule_type {
        r.rule_type = t;
    }
    r.tags = tags.into_iter().map(|t| t.value).collect();
    if r.expr.is_none() && r.rule_type != "ENCRYPT" {
        return Err(syn::Error::new(
            span,
            format!("rule {:?} needs an `expr = \"...\"`", r.name),
        ));
    }
    check_actions(&r)?;
    Ok(r)
}

/// `encrypt(tags("PII"), kek = "orders-kek", kms = "local-kms", key_id = "..",
/// algorithm = "AES256_GCM", name = "encrypt_pii", on_failure = "ERROR,NONE")`: an
/// `ENCRYPT` TRANSFORM run on write and read (WRITEREAD), as in Confluent's field-level
/// encryption examples.
fn parse_encrypt(meta: &ParseNestedMeta) -> syn::Result<RuleAttr> {
    let span = meta.path.span();
    let mut name = None;
    let mut tags = Vec::new();
    let mut kek = None;
    let mut kms = None;
    let mut key_id = None;
    let mut algorithm = None;
    let mut r = RuleAttr {
        name: String::new(),
        span,
        kind: Kind::Transform,
        mode: Mode::WriteRead,
        rule_type: "ENCRYPT".to_string(),
        expr: None,
        tags: Vec::new(),
        params: Vec::new(),
        on_success: None,
        on_failure: None,
        doc: None,
        disabled: false,
    };
    meta.parse_nested_meta(|m| {
        let key = m.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        match key.as_str() {
            "name" => name = Some(string(&m)?),
            "tags" => {
                for tag in string_list(&m)? {
                    push_tag(&mut tags, tag)?;
                }
            }
            "kek" => kek = Some(string(&m)?.value()),
            "kms" => kms = Some(string(&m)?.value()),
            "key_id" => key_id = Some(string(&m)?.value()),
            "algorithm" => {
                let lit = string(&m)?;
                match lit.value().as_str() {
                    "AES128_GCM" | "AES256_GCM" | "AES256_SIV" => algorithm = Some(lit.value()),
                    other => return Err(syn::Error::new(lit.span(), format!(
                        "unknown DEK algorithm {other:?}: expected \"AES128_GCM\", \"AES256_GCM\" or \"AES256_SIV\""
                    ))),
                }
            }
            "param" => r.params.push(param(&m)?),
            "on_success" => r.on_success = Some(action(&string(&m)?)?),
            "on_failure" => r.on_failure = Some(action(&string(&m)?)?),
            "doc" => r.doc = Some(string(&m)?.value()),
            "disabled" => r.disabled = true,
            _ => return Err(m.error(format!(
                "unknown encrypt attribute `{key}`: expected one of tags, kek, kms, key_id, algorithm, name, param, on_success, on_failure, doc, disabled"
            ))),
        }
        Ok(())
    })?;
    if tags.is_empty() {
        return Err(syn::Error::new(
            span,
            "encrypt(..) needs the tags of the fields it encrypts, e.g. tags(\"PII\")",
        ));
    }
    let Some(kek) = kek else {
        return Err(syn::Error::new(
            span,
            "encrypt(..) needs the KEK's name: kek = \"...\"",
        ));
    };
    r.name = match name {
        Some(lit) => rule_name(&lit)?,
        None => "encrypt".to_string(),
    };
    r.tags = tags.into_iter().map(|t| t.value).collect();
    let mut params = vec![(KEK_NAME.to_string(), kek)];
    params.extend(kms.map(|v| (KMS_TYPE.to_string(), v)));
    params.extend(key_id.map(|v| (KMS_KEY_ID.to_string(), v)));
    params.extend(algorithm.map(|v| (DEK_ALGORITHM.to_string(), v)));
    params.append(&mut r.params);
    r.params = params;
    check_actions(&r)?;
    Ok(r)
}

/// `param("key", "value")`.
fn param(m: &ParseNestedMeta) -> syn::Result<(String, String)> {
    let content;
    syn::parenthesized!(content in m.input);
    let key: LitStr = content.parse()?;
    content.parse::<syn::Token![,]>()?;
    let value: LitStr = content.parse()?;
    Ok((key.value(), value.value()))
}

/// A rule name as Confluent's `Rule.validate` accepts it: a letter or `_`, then letters,
/// digits, `_` or `-`, at most 256 characters.
fn rule_name(lit: &LitStr) -> syn::Result<String> {
    let name = lit.value();
    let mut chars = name.chars();
    let ok = match chars.next() {
        Some(first) => {
            (first.is_alphabetic() || first == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                && name.chars().count() <= 256
        }
        None => false,
    };
    if !ok {
        return Err(syn::Error::new(
            lit.span(),
            format!("rule name {name:?} is not valid: a letter or `_`, then letters, digits, `_` or `-` (Confluent's Rule.validate)"),
        ));
    }
    Ok(name)
}

fn parse_kind(lit: &LitStr) -> syn::Result<Kind> {
    match lit.value().to_uppercase().as_str() {
        "CONDITION" => Ok(Kind::Condition),
        "TRANSFORM" => Ok(Kind::Transform),
        other => Err(syn::Error::new(
            lit.span(),
            format!("unknown rule kind {other:?}: expected \"CONDITION\" or \"TRANSFORM\""),
        )),
    }
}

fn parse_mode(lit: &LitStr) -> syn::Result<Mode> {
    Ok(match lit.value().to_uppercase().as_str() {
        "WRITE" => Mode::Write,
        "READ" => Mode::Read,
        "WRITEREAD" => Mode::WriteRead,
        "UPGRADE" => Mode::Upgrade,
        "DOWNGRADE" => Mode::Downgrade,
        "UPDOWN" => Mode::UpDown,
        other => return Err(syn::Error::new(
            lit.span(),
            format!("unknown rule mode {other:?}: expected \"WRITE\", \"READ\", \"WRITEREAD\", \"UPGRADE\", \"DOWNGRADE\" or \"UPDOWN\""),
        )),
    })
}

/// An `on_success` / `on_failure` action: `NONE`, `ERROR` or `DLQ`, or a pair of them
/// (`"ERROR,NONE"`) for the two directions of WRITEREAD and UPDOWN.
fn action(lit: &LitStr) -> syn::Result<String> {
    let value = lit.value().to_uppercase();
    for part in value.split(',') {
        if !matches!(part.trim(), "NONE" | "ERROR" | "DLQ") {
            return Err(syn::Error::new(
                lit.span(),
                format!("unknown rule action {:?}: expected \"NONE\", \"ERROR\" or \"DLQ\" (or a pair such as \"ERROR,NONE\" for WRITEREAD and UPDOWN)", part.trim()),
            ));
        }
    }
    if value.split(',').count() > 2 {
        return Err(syn::Error::new(
            lit.span(),
            "a rule action is one action or a pair",
        ));
    }
    Ok(value
        .split(',')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(","))
}

/// Pairs only with WRITEREAD and UPDOWN (`Rule.validate`).
fn check_actions(r: &RuleAttr) -> syn::Result<()> {
    for action in [&r.on_success, &r.on_failure].into_iter().flatten() {
        if action.contains(',') && !r.mode.allows_pairs() {
            return Err(syn::Error::new(
                r.span,
                format!("rule {:?}: a pair of actions ({action:?}) is only valid with mode WRITEREAD or UPDOWN", r.name),
            ));
        }
    }
    Ok(())
}
