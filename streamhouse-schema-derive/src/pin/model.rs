//! The type model of a pinned type built from source tokens: the compile-time twin of the
//! `SchemaType` impls the derive generates. A generated test compares both at run time
//! (see `pin::expand`), so the build checks exactly what is registered.

use std::collections::HashMap;

use streamhouse_schema_core::model::{
    Def, EnumDef, Field as MField, IntKind, ModelBuilder, RecordDef, Ty, TypeModel, UnionDef,
    Variant as MVariant,
};
use syn::{GenericArgument, PathArguments, Type};

use super::scan::Index;
use crate::ast::{Container, Data, Field, Style};
use crate::attr::{DefaultAttr, Repr, Unit};
use crate::ctxt::Ctxt;
use crate::ty;

pub struct SynModel<'a> {
    index: &'a Index,
    b: ModelBuilder,
    pub errors: Vec<String>,
    depth: usize,
}

/// The model of the root container, or the reasons it cannot be built from source.
pub fn build(root: &Container, index: &Index) -> Result<TypeModel, Vec<String>> {
    let mut m = SynModel {
        index,
        b: ModelBuilder::new(),
        errors: Vec::new(),
        depth: 0,
    };
    let root_ty = m.container(root, &HashMap::new());
    if !m.errors.is_empty() {
        return Err(m.errors);
    }
    m.b.finish(root_ty).map_err(|e| vec![e.to_string()])
}

fn last(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    let args = match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((seg.ident.to_string(), args))
}

type Subst<'s> = HashMap<String, Type>;

fn substitute(ty: &Type, subst: &Subst) -> Type {
    if let Type::Path(p) = ty {
        if p.qself.is_none() && p.path.segments.len() == 1 {
            let seg = &p.path.segments[0];
            if seg.arguments.is_empty() {
                if let Some(t) = subst.get(&seg.ident.to_string()) {
                    return t.clone();
                }
            }
        }
        let mut p = p.clone();
        for seg in p.path.segments.iter_mut() {
            if let PathArguments::AngleBracketed(a) = &mut seg.arguments {
                for arg in a.args.iter_mut() {
                    if let GenericArgument::Type(t) = arg {
                        *t = substitute(t, subst);
                    }
                }
            }
        }
        return Type::Path(p);
    }
    match ty {
        Type::Reference(r) => substitute(&r.elem, subst),
        Type::Paren(p) => substitute(&p.elem, subst),
        Type::Group(g) => substitute(&g.elem, subst),
        other => other.clone(),
    }
}

impl SynModel<'_> {
    fn err(&mut self, msg: String) -> Ty {
        self.errors.push(msg);
        Ty::Null
    }

    /// A short label, as `SchemaType::type_label` gives it.
    fn label(&mut self, ty: &Type) -> String {
        if let Type::Array(a) = ty {
            return match &a.len {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n),
                    ..
                }) => format!("fixed_{}", n.base10_digits()),
                _ => "fixed".into(),
            };
        }
        if let Type::Tuple(t) = ty {
            if t.elems.is_empty() {
                return "null".into();
            }
        }
        if let Type::Reference(r) = ty {
            return self.label(&r.elem);
        }
        if let Type::Slice(s) = ty {
            return if ty::name(&s.elem).as_deref() == Some("u8") {
                "bytes".into()
            } else {
                format!("array_{}", self.label(&s.elem))
            };
        }
        let Some((name, args)) = last(ty) else {
            return "unknown".into();
        };
        let first = args.first().copied();
        match name.as_str() {
            "bool" => "boolean".into(),
            "i8" | "i16" | "i32" | "u8" | "u16" => "int".into(),
            "i64" | "u32" => "long".into(),
            "f32" => "float".into(),
            "f64" => "double".into(),
            // `Cow<'a, [u8]>` is bytes, `Cow<'a, str>` a string.
            "Cow" if first.is_some_and(is_byte_slice) => "bytes".into(),
            "String" | "str" | "Cow" => "string".into(),
            "Bytes" => "bytes".into(),
            "Uuid" => "uuid".into(),
            "DateTime" | "OffsetDateTime" => "timestamp_micros".into(),
            "NaiveDateTime" | "PrimitiveDateTime" => "local_timestamp_micros".into(),
            "NaiveDate" | "Date" => "date".into(),
            "NaiveTime" | "Time" => "time_micros".into(),
            "Vec" => match first {
                Some(t) if ty::name(t).as_deref() == Some("u8") => "bytes".into(),
                Some(t) => format!("array_{}", self.label(t)),
                None => "array".into(),
            },
            "VecDeque" | "BTreeSet" | "HashSet" => {
                format!("array_{}", first.map(|t| self.label(t)).unwrap_or_default())
            }
            "HashMap" | "BTreeMap" | "IndexMap" => format!(
                "map_{}",
                args.get(1).map(|t| self.label(t)).unwrap_or_default()
            ),
            "Option" => format!(
                "optional_{}",
                first.map(|t| self.label(t)).unwrap_or_default()
            ),
            "Box" | "Arc" | "Rc" => match first {
                Some(t) if matches!(ty::name(t).as_deref(), Some("str")) => "string".into(),
                Some(t) => self.label(t),
                None => "unknown".into(),
            },
            _ => match self.index.get(&name) {
                Some(input) => {
                    let cx = Ctxt::default();
                    let label = Container::from_ast(&cx, &input).map(|c| {
                        let _ = cx.check();
                        (c.name.clone(), c.input.generics.type_params().count())
                    });
                    match label {
                        Some((n, 0)) => n,
                        Some((n, _)) => {
                            let labels: Vec<String> = args.iter().map(|t| self.label(t)).collect();
                            format!("{n}_{}", labels.join("_"))
                        }
                        None => name,
                    }
                }
                None => name,
            },
        }
    }

    /// The model of a type use.
    fn ty(&mut self, ty: &Type, at: &str) -> Ty {
        match ty {
            Type::Array(_) => {
                let label = self.label(ty);
                let size = label
                    .strip_prefix("fixed_")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                return Ty::Fixed {
                    full_name: self.b.full_name(&label, None),
                    size,
                };
            }
            Type::Tuple(t) if t.elems.is_empty() => return Ty::Null,
            Type::Reference(r) => return self.ty(&r.elem, at),
            Type::Slice(s) => {
                return if ty::name(&s.elem).as_deref() == Some("u8") {
                    Ty::Bytes
                } else {
                    Ty::Array(Box::new(self.ty(&s.elem, at)))
                }
            }
            Type::Paren(p) => return self.ty(&p.elem, at),
            _ => {}
        }
        let Some((name, args)) = last(ty) else {
            return self.err(format!("`{at}`: the pinned check cannot read this type"));
        };
        let first = args.first().copied();
        match name.as_str() {
            "bool" => Ty::Boolean,
            "i8" => Ty::Int(IntKind::I8),
            "i16" => Ty::Int(IntKind::I16),
            "i32" => Ty::Int(IntKind::I32),
            "u8" => Ty::Int(IntKind::U8),
            "u16" => Ty::Int(IntKind::U16),
            "u32" => Ty::Long(IntKind::U32),
            "i64" => Ty::Long(IntKind::I64),
            "f32" => Ty::Float,
            "f64" => Ty::Double,
            "Cow" if first.is_some_and(is_byte_slice) => Ty::Bytes,
            "String" | "str" | "Cow" => Ty::String,
            "Bytes" => Ty::Bytes,
            "Uuid" => Ty::Uuid,
            "DateTime" | "OffsetDateTime" => Ty::TimestampMicros,
            "NaiveDateTime" | "PrimitiveDateTime" => Ty::LocalTimestampMicros,
            "NaiveDate" | "Date" => Ty::Date,
            "NaiveTime" | "Time" => Ty::TimeMicros,
            "Vec" => match first {
                Some(t) if ty::name(t).as_deref() == Some("u8") => Ty::Bytes,
                Some(t) => Ty::Array(Box::new(self.ty(t, at))),
                None => self.err(format!("`{at}`: Vec without an item type")),
            },
            "VecDeque" | "BTreeSet" | "HashSet" => match first {
                Some(t) => Ty::Array(Box::new(self.ty(t, at))),
                None => self.err(format!("`{at}`: collection without an item type")),
            },
            "HashMap" | "BTreeMap" | "IndexMap" => match args.get(1) {
                Some(v) => Ty::Map(Box::new(self.ty(v, at))),
                None => self.err(format!("`{at}`: map without a value type")),
            },
            "Option" => match first {
                Some(t) => Ty::Optional { inner: Box::new(self.ty(t, at)), null_first: true },
                None => self.err(format!("`{at}`: Option without a type")),
            },
            "Box" | "Arc" | "Rc" => match first {
                Some(t) => self.ty(t, at),
                None => self.err(format!("`{at}`: pointer without a type")),
            },
            _ => match self.index.get(&name) {
                Some(input) => {
                    let cx = Ctxt::default();
                    let Some(c) = Container::from_ast(&cx, &input) else {
                        let _ = cx.check();
                        return self.err(format!("`{at}`: `{name}` cannot be read"));
                    };
                    let _ = cx.check();
                    let params: Vec<String> = c.input.generics.type_params().map(|p| p.ident.to_string()).collect();
                    let subst: Subst = params.into_iter().zip(args.iter().map(|t| (*t).clone())).collect();
                    self.container(&c, &subst)
                }
                None => self.err(format!(
                    "`{at}`: the pinned check needs the definition of `{name}`, which is not a #[derive(StreamSchema)] type in this crate's sources (pin the type in the crate that defines its parts)"
                )),
            },
        }
    }

    /// The model of a field, honouring its explicit mappings as `FieldCodec` does.
    fn field_ty(&mut self, f: &Field, subst: &Subst, at: &str) -> Ty {
        let field_ty = substitute(f.ty, subst);
        let wrap = |inner: Ty, outer: &Type| -> Ty {
            if ty::option_inner(outer).is_some() {
                Ty::Optional {
                    inner: Box::new(inner),
                    null_first: true,
                }
            } else if ty::vec_inner(outer).is_some() {
                Ty::Array(Box::new(inner))
            } else {
                inner
            }
        };
        let base_ty = ty::option_inner(&field_ty)
            .or_else(|| ty::vec_inner(&field_ty))
            .unwrap_or(&field_ty)
            .clone();
        if let Some(r) = &f.attrs.repr {
            return match r.value {
                Repr::Array => {
                    let arr = Ty::Array(Box::new(Ty::Int(IntKind::U8)));
                    if ty::option_inner(&field_ty).is_some() {
                        Ty::Optional {
                            inner: Box::new(arr),
                            null_first: true,
                        }
                    } else {
                        arr
                    }
                }
                Repr::Long | Repr::Fixed => {
                    let (kind, size, label) = match ty::name(&base_ty).as_deref() {
                        Some("u64") => (IntKind::U64, 8, "u64"),
                        Some("i128") => (IntKind::I128, 16, "i128"),
                        _ => (IntKind::U128, 16, "u128"),
                    };
                    let inner = if r.value == Repr::Long {
                        Ty::Long(kind)
                    } else {
                        Ty::Fixed {
                            full_name: self.b.full_name(label, None),
                            size,
                        }
                    };
                    wrap(inner, &field_ty)
                }
            };
        }
        if let Some(u) = &f.attrs.unit {
            if u.value == Unit::Millis {
                let inner = match self.ty(&base_ty, at) {
                    Ty::TimestampMicros => Ty::TimestampMillis,
                    Ty::LocalTimestampMicros => Ty::LocalTimestampMillis,
                    Ty::TimeMicros => Ty::TimeMillis,
                    other => other,
                };
                return wrap(inner, &field_ty);
            }
        }
        if let Some(d) = &f.attrs.decimal {
            let fixed = d
                .value
                .fixed
                .as_ref()
                .map(|(n, s)| (self.b.full_name(n, None), *s));
            return wrap(
                Ty::Decimal {
                    precision: d.value.precision,
                    scale: d.value.scale,
                    fixed,
                },
                &field_ty,
            );
        }
        let null_last =
            matches!(f.attrs.default.get(), Some(DefaultAttr::Json(j)) if j.trim() != "null");
        match (null_last, ty::option_inner(&field_ty)) {
            (true, Some(inner)) => {
                let inner = inner.clone();
                Ty::Optional {
                    inner: Box::new(self.ty(&inner, at)),
                    null_first: false,
                }
            }
            _ => self.ty(&field_ty, at),
        }
    }

    fn fields(&mut self, owner: &str, fields: &[Field], subst: &Subst) -> Vec<MField> {
        fields
            .iter()
            .filter(|f| !f.attrs.skip.get().copied().unwrap_or(false))
            .map(|f| {
                let at = format!("{owner}.{}", f.rust_name);
                let ty = self.field_ty(f, subst, &at);
                let default = match f.attrs.default.get() {
                    Some(DefaultAttr::Json(j)) => serde_json::from_str(j).ok(),
                    _ if matches!(
                        &ty,
                        Ty::Optional {
                            null_first: true,
                            ..
                        }
                    ) =>
                    {
                        Some(serde_json::Value::Null)
                    }
                    _ => None,
                };
                MField {
                    name: f.name.clone(),
                    ty,
                    doc: f.attrs.doc.clone(),
                    aliases: f.attrs.aliases.iter().map(|a| a.value.clone()).collect(),
                    default,
                    tag: f.attrs.tag.as_ref().map(|t| t.value),
                    proto: f.attrs.proto.as_ref().map(|p| p.value.to_core()),
                    tags: f.attrs.tags.iter().map(|t| t.value.clone()).collect(),
                }
            })
            .collect()
    }

    fn container(&mut self, c: &Container, subst: &Subst) -> Ty {
        self.depth += 1;
        if self.depth > 64 {
            return self.err(format!(
                "`{}`: types nest too deeply for the pinned check",
                c.ident
            ));
        }
        let ty = self.container_inner(c, subst);
        self.depth -= 1;
        ty
    }

    fn container_inner(&mut self, c: &Container, subst: &Subst) -> Ty {
        let owner = c.ident.to_string();
        let params: Vec<&syn::Ident> = c.input.generics.type_params().map(|p| &p.ident).collect();
        let name = if params.is_empty() {
            c.name.clone()
        } else {
            let labels: Vec<String> = params
                .iter()
                .map(|p| match subst.get(&p.to_string()) {
                    Some(t) => self.label(&t.clone()),
                    None => p.to_string(),
                })
                .collect();
            format!("{}_{}", c.name, labels.join("_"))
        };
        let ns = c.attrs.namespace.as_ref().map(|n| n.value.clone());
        let doc = c.attrs.doc.clone();
        let aliases: Vec<String> = c.attrs.aliases.iter().map(|a| a.value.clone()).collect();
        match &c.data {
            Data::Struct(Style::Newtype, fields) => {
                let f = &fields[0];
                if let Type::Array(_) = f.ty {
                    let size = match self.ty(f.ty, &owner) {
                        Ty::Fixed { size, .. } => size,
                        _ => 0,
                    };
                    Ty::Fixed {
                        full_name: self.b.full_name(&name, ns.as_deref()),
                        size,
                    }
                } else {
                    self.field_ty(f, subst, &owner)
                }
            }
            Data::Struct(_, fields) => {
                let full = self.b.full_name(&name, ns.as_deref());
                if self.b.begin(&full, "pinned") {
                    let fields = self.fields(&owner, fields, subst);
                    self.b.define(Def::Record(RecordDef {
                        full_name: full.clone(),
                        doc,
                        aliases,
                        fields,
                        reserved_tags: c.attrs.reserved_tags.clone(),
                        reserved_names: c.attrs.reserved_names.clone(),
                        additional_properties: c.attrs.additional_properties,
                    }));
                }
                Ty::Named(full)
            }
            Data::Enum(variants) if variants.iter().all(|v| v.style == Style::Unit) => {
                let full = self.b.full_name(&name, ns.as_deref());
                if self.b.begin(&full, "pinned") {
                    self.b.define(Def::Enum(EnumDef {
                        full_name: full.clone(),
                        doc,
                        aliases,
                        symbols: variants.iter().map(|v| v.name.clone()).collect(),
                        numbers: crate::emit::proto::enum_numbers(c).unwrap_or_default(),
                        default: variants
                            .iter()
                            .find(|v| v.attrs.default.is_some())
                            .map(|v| v.name.clone()),
                    }));
                }
                Ty::Named(full)
            }
            Data::Enum(variants) => {
                let full = self.b.full_name(&name, ns.as_deref());
                if self.b.begin(&full, "pinned") {
                    let enum_ns = full
                        .rsplit_once('.')
                        .map(|(n, _)| n.to_string())
                        .unwrap_or_default();
                    let untagged = c.attrs.untagged.get().copied().unwrap_or(false);
                    let mut out = Vec::new();
                    for v in variants {
                        let vowner = format!("{owner}::{}", v.ident);
                        let ty = match v.style {
                            Style::Unit => Ty::Null,
                            Style::Newtype if untagged => {
                                self.field_ty(&v.fields[0], subst, &vowner)
                            }
                            _ => {
                                let vfull = self.b.full_name(&v.name, Some(&enum_ns));
                                if self.b.begin(&vfull, "pinned") {
                                    let mut fields = self.fields(&vowner, &v.fields, subst);
                                    if v.style == Style::Newtype {
                                        for f in &mut fields {
                                            f.name = "value".into();
                                        }
                                    }
                                    self.b.define(Def::Record(RecordDef {
                                        full_name: vfull.clone(),
                                        doc: v.attrs.doc.clone(),
                                        fields,
                                        additional_properties: c.attrs.additional_properties,
                                        ..Default::default()
                                    }));
                                }
                                Ty::Named(vfull)
                            }
                        };
                        out.push(MVariant {
                            name: v.name.clone(),
                            ty,
                            tag: v.attrs.tag.as_ref().map(|t| t.value),
                        });
                    }
                    self.b.define(Def::Union(UnionDef {
                        full_name: full.clone(),
                        doc,
                        variants: out,
                    }));
                }
                Ty::Named(full)
            }
        }
    }
}

/// `[u8]`, the borrowed form of bytes (`Cow<'a, [u8]>`).
fn is_byte_slice(ty: &Type) -> bool {
    matches!(ty, Type::Slice(s) if ty::name(&s.elem).as_deref() == Some("u8"))
}
