//! Unit tests of the Protobuf view: names, tags, enum value prefixes and inline oneofs.

use super::*;

#[test]
fn camel_case_matches_protoc_entry_names() {
    assert_eq!(camel_case("attrs"), "Attrs");
    assert_eq!(camel_case("my_map"), "MyMap");
    assert_eq!(camel_case("a__b"), "AB");
}

#[test]
fn non_message_root_is_rejected() {
    let model = TypeModel {
        root: Ty::String,
        defs: vec![],
    };
    assert!(matches!(
        file_descriptor(&model),
        Err(ProtoBuildError::RootNotMessage(_))
    ));
}

#[test]
fn missing_tag_is_reported_with_message_and_field() {
    let model = TypeModel {
        root: Ty::Named("a.M".into()),
        defs: vec![Def::Record(RecordDef {
            full_name: "a.M".into(),
            fields: vec![Field::new("x", Ty::Int(IntKind::I32))],
            ..Default::default()
        })],
    };
    assert_eq!(
        file_descriptor(&model),
        Err(ProtoBuildError::MissingTag {
            message: "M".into(),
            field: "x".into()
        })
    );
}

#[test]
fn clashing_enum_values_are_prefixed() {
    let mk = |full: &str| {
        Def::Enum(EnumDef {
            full_name: full.into(),
            symbols: vec!["Unknown".into(), "On".into()],
            ..Default::default()
        })
    };
    let mut f1 = Field::new("a", Ty::Named("p.A".into()));
    f1.tag = Some(1);
    let mut f2 = Field::new("b", Ty::Named("p.B".into()));
    f2.tag = Some(2);
    let model = TypeModel {
        root: Ty::Named("p.M".into()),
        defs: vec![
            Def::Record(RecordDef {
                full_name: "p.M".into(),
                fields: vec![f1, f2],
                ..Default::default()
            }),
            mk("p.A"),
            mk("p.B"),
        ],
    };
    let file = file_descriptor(&model).unwrap();
    let names: Vec<_> = file.enum_type[1]
        .value
        .iter()
        .map(|v| v.name().to_string())
        .collect();
    assert_eq!(names, ["B_Unknown", "B_On"]);
}

fn tagged(name: &str, ty: Ty, tag: u32) -> Field {
    let mut f = Field::new(name, ty);
    f.tag = Some(tag);
    f
}

/// `M { a: i32 = 1, pay: oneof { Card card = 2; Empty cash = 4 }, note: optional
/// string = 3 }`, the oneof declared inline by a tagless `Option<Pay>` field.
fn inline_oneof_model() -> TypeModel {
    let optional = |t: Ty| Ty::Optional {
        inner: Box::new(t),
        null_first: true,
    };
    TypeModel {
        root: Ty::Named("p.M".into()),
        defs: vec![
            Def::Record(RecordDef {
                full_name: "p.M".into(),
                fields: vec![
                    tagged("a", Ty::Int(IntKind::I32), 1),
                    Field::new("pay", optional(Ty::Named("p.Pay".into()))),
                    tagged("note", optional(Ty::String), 3),
                ],
                ..Default::default()
            }),
            Def::Union(UnionDef {
                full_name: "p.Pay".into(),
                doc: None,
                variants: vec![
                    crate::model::Variant {
                        name: "card".into(),
                        ty: Ty::Named("p.Card".into()),
                        tag: Some(2),
                    },
                    crate::model::Variant {
                        name: "cash".into(),
                        ty: Ty::Null,
                        tag: Some(4),
                    },
                ],
            }),
            Def::Record(RecordDef {
                full_name: "p.Card".into(),
                fields: vec![tagged("token", Ty::String, 1)],
                ..Default::default()
            }),
        ],
    }
}

#[test]
fn inline_oneof_members_are_fields_of_the_holding_message() {
    let file = file_descriptor(&inline_oneof_model()).unwrap();
    // The union is no message of its own; the member's message type is.
    let messages: Vec<_> = file.message_type.iter().map(|m| m.name()).collect();
    assert_eq!(messages, ["M", "Card"]);
    assert_eq!(file.dependency, ["google/protobuf/empty.proto"]);
    let m = &file.message_type[0];
    let decls: Vec<_> = m.oneof_decl.iter().map(|o| o.name()).collect();
    assert_eq!(decls, ["pay", "_note"]);
    let fields: Vec<_> = m
        .field
        .iter()
        .map(|f| {
            (
                f.name(),
                f.number(),
                f.r#type(),
                f.oneof_index,
                f.proto3_optional,
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("a", 1, Type::Int32, None, None),
            ("card", 2, Type::Message, Some(0), None),
            ("cash", 4, Type::Message, Some(0), None),
            ("note", 3, Type::String, Some(1), Some(true)),
        ]
    );
    assert_eq!(m.field[1].type_name(), ".p.Card");
    assert_eq!(m.field[2].type_name(), ".google.protobuf.Empty");
    let text = crate::proto_file::print_proto(&file);
    assert!(
        text.contains(
            "  oneof pay {\n    .p.Card card = 2;\n    .google.protobuf.Empty cash = 4;\n  }\n"
        ),
        "{text}"
    );
}

#[test]
fn a_tagged_optional_union_field_stays_a_message_field() {
    let mut model = inline_oneof_model();
    if let Some(Def::Record(r)) = model.defs.first_mut() {
        r.fields[1].tag = Some(5);
    }
    let file = file_descriptor(&model).unwrap();
    let messages: Vec<_> = file.message_type.iter().map(|m| m.name()).collect();
    assert_eq!(messages, ["M", "Pay", "Card"]);
    let m = &file.message_type[0];
    let decls: Vec<_> = m.oneof_decl.iter().map(|o| o.name()).collect();
    assert_eq!(decls, ["_pay", "_note"]);
    assert_eq!(m.field[1].type_name(), ".p.Pay");
}
