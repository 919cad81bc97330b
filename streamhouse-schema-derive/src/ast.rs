//! The typed model of the input: container, fields, variants, with validated attributes
//! and final (renamed) names.

use syn::{Data as SynData, DeriveInput, Fields, Ident, Member, Type};

use crate::attr::{ContainerAttrs, FieldAttrs, VariantAttrs};
use crate::case::RenameRule;
use crate::ctxt::Ctxt;

pub struct Container<'a> {
    pub ident: &'a Ident,
    pub input: &'a DeriveInput,
    pub attrs: ContainerAttrs,
    /// The schema name (after `name`/serde `rename`).
    pub name: String,
    pub data: Data<'a>,
}

pub enum Data<'a> {
    Struct(Style, Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `struct S { a: T }` (also `struct S {}`).
    Named,
    /// `struct S(T)`: transparent.
    Newtype,
    /// `struct S(A, B)`: rejected by the checks.
    Tuple,
    /// `struct S;`
    Unit,
}

pub struct Field<'a> {
    pub member: Member,
    /// The Rust name (`r#` stripped), for messages.
    pub rust_name: String,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    /// The name on the wire.
    pub name: String,
    pub original: &'a syn::Field,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub attrs: VariantAttrs,
    pub style: Style,
    pub fields: Vec<Field<'a>>,
    pub name: String,
}

impl<'a> Container<'a> {
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let owner = input.ident.to_string();
        let attrs = ContainerAttrs::from_ast(cx, &owner, &input.attrs);
        let rename_all = attrs.rename_all.get().copied();
        let data = match &input.data {
            SynData::Struct(s) => {
                let (style, fields) = fields_from_ast(cx, &owner, &s.fields, rename_all);
                Data::Struct(style, fields)
            }
            SynData::Enum(e) => Data::Enum(
                e.variants
                    .iter()
                    .map(|v| {
                        let vowner = format!("{owner}::{}", v.ident);
                        let vattrs = VariantAttrs::from_ast(cx, &vowner, &v.attrs);
                        let name = match vattrs.rename.get() {
                            Some(n) => n.clone(),
                            None => match rename_all {
                                Some(rule) => rule.apply_to_variant(&v.ident.to_string()),
                                None => v.ident.to_string(),
                            },
                        };
                        let (style, fields) = fields_from_ast(cx, &vowner, &v.fields, None);
                        Variant {
                            ident: &v.ident,
                            attrs: vattrs,
                            style,
                            fields,
                            name,
                        }
                    })
                    .collect(),
            ),
            SynData::Union(u) => {
                cx.error_spanned(
                    u.union_token,
                    format!(
                        "`{}`: StreamSchema cannot be derived for a Rust union: use an enum",
                        input.ident
                    ),
                );
                return None;
            }
        };
        let name = attrs
            .name
            .get()
            .cloned()
            .unwrap_or_else(|| input.ident.to_string());
        Some(Container {
            ident: &input.ident,
            input,
            attrs,
            name,
            data,
        })
    }

    pub fn is_generic(&self) -> bool {
        self.input.generics.type_params().next().is_some()
    }

    pub fn has_lifetimes(&self) -> bool {
        self.input.generics.lifetimes().next().is_some()
    }
}

fn fields_from_ast<'a>(
    cx: &Ctxt,
    owner: &str,
    fields: &'a Fields,
    rename_all: Option<RenameRule>,
) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(u) if u.unnamed.len() == 1 => Style::Newtype,
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (member, rust_name) = match &f.ident {
                Some(id) => {
                    let s = id.to_string();
                    let s = s.strip_prefix("r#").unwrap_or(&s).to_string();
                    (Member::Named(id.clone()), s)
                }
                None => (Member::Unnamed(i.into()), i.to_string()),
            };
            let attrs = FieldAttrs::from_ast(cx, &format!("{owner}.{rust_name}"), &f.attrs);
            let name = match attrs.rename.get() {
                Some(n) => n.clone(),
                None => match rename_all {
                    Some(rule) => rule.apply_to_field(&rust_name),
                    None => rust_name.clone(),
                },
            };
            Field {
                member,
                rust_name,
                ty: &f.ty,
                attrs,
                name,
                original: f,
            }
        })
        .collect();
    (style, fields)
}
