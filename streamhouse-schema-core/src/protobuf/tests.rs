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
        references: Vec::new(),
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
        references: Vec::new(),
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
        references: Vec::new(),
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
        references: Vec::new(),
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

fn record(full_name: &str, fields: Vec<Field>) -> Def {
    Def::Record(RecordDef {
        full_name: full_name.into(),
        fields,
        ..Default::default()
    })
}

fn named(full_name: &str) -> Ty {
    Ty::Named(full_name.into())
}

/// The model of `Money` alone, as `Money`'s own schema builds it.
fn money_model() -> TypeModel {
    TypeModel {
        root: named("billing.v2.Money"),
        defs: vec![
            record(
                "billing.v2.Money",
                vec![
                    tagged("cents", Ty::Long(IntKind::I64), 1),
                    tagged("currency", named("billing.v2.Currency"), 2),
                ],
            ),
            Def::Enum(EnumDef {
                full_name: "billing.v2.Currency".into(),
                symbols: vec!["EUR".into(), "USD".into()],
                ..Default::default()
            }),
        ],
        references: Vec::new(),
    }
}

/// `shop.v1.Order { id, total: billing.v2.Money, lines: [shop.v1.Line] }`.
fn order_model() -> TypeModel {
    let mut defs = vec![
        record(
            "shop.v1.Order",
            vec![
                tagged("id", Ty::String, 1),
                tagged("total", named("billing.v2.Money"), 2),
                tagged("lines", Ty::Array(Box::new(named("shop.v1.Line"))), 3),
            ],
        ),
        record("shop.v1.Line", vec![tagged("sku", Ty::String, 1)]),
    ];
    defs.extend(money_model().defs);
    TypeModel {
        root: named("shop.v1.Order"),
        defs,
        references: Vec::new(),
    }
}

/// [`order_model`] with `field` added to `billing.v2.Money`, the message its import defines.
fn order_model_with_money_field(field: Field) -> TypeModel {
    let mut model = order_model();
    let money = model.defs.iter_mut().find_map(|def| match def {
        Def::Record(r) if r.full_name == "billing.v2.Money" => Some(r),
        _ => None,
    });
    money.expect("Money is in the model").fields.push(field);
    model
}

/// The names of the top-level messages of `file`, in order.
fn message_names(file: &prost_types::FileDescriptorProto) -> Vec<&str> {
    file.message_type.iter().map(|m| m.name()).collect()
}

#[test]
fn a_type_of_another_package_is_imported_from_its_own_file() {
    let schema = ProtoSchema::build(&order_model()).unwrap();
    let file = schema.file();
    assert_eq!(file.name(), "shop/v1/Order.proto");
    assert_eq!(file.dependency, ["billing/v2/Money.proto"]);
    assert_eq!(message_names(file), ["Order", "Line"]);
    assert!(file.enum_type.is_empty());
    assert_eq!(
        file.message_type[0].field[1].type_name(),
        ".billing.v2.Money"
    );
    assert!(
        schema.text().contains("import \"billing/v2/Money.proto\";"),
        "{}",
        schema.text()
    );
    // The imported file is Money's own schema, byte for byte.
    let money = ProtoSchema::build(&money_model()).unwrap();
    assert!(money.imports().is_empty());
    let [import] = schema.imports() else {
        panic!("one import expected: {:?}", schema.imports());
    };
    assert_eq!(import.name(), "billing/v2/Money.proto");
    assert_eq!(import.text(), money.text());
    assert_eq!(import.file(), money.file());
    assert_eq!(import.model_imports().count(), 0);
    assert_eq!(
        schema.model_imports().collect::<Vec<_>>(),
        ["billing/v2/Money.proto"]
    );
    // Where the types live: Line in the file, Money in the import.
    assert_eq!(schema.file_name_of("shop.v1.Line"), Some("shop.v1.Line"));
    assert_eq!(schema.file_name_of("billing.v2.Money"), None);
    // Together they compile.
    let compiled = crate::proto_file::parse_proto_with_imports(
        schema.text(),
        &[(import.name(), import.text())],
    )
    .unwrap();
    assert_eq!(
        compiled.message_type[0].field[1].type_name(),
        ".billing.v2.Money"
    );
}

#[test]
fn imports_are_ordered_after_the_files_they_import() {
    // Order (shop) → Money (billing) → Rate (fx): Rate's file first.
    let mut model = order_model_with_money_field(tagged("rate", named("fx.Rate"), 3));
    model
        .defs
        .push(record("fx.Rate", vec![tagged("value", Ty::Double, 1)]));
    let schema = ProtoSchema::build(&model).unwrap();
    let names: Vec<_> = schema.imports().iter().map(ProtoImport::name).collect();
    assert_eq!(names, ["fx/Rate.proto", "billing/v2/Money.proto"]);
    assert_eq!(
        schema.imports()[1].model_imports().collect::<Vec<_>>(),
        ["fx/Rate.proto"]
    );
    // The root's file imports only what it uses itself.
    assert_eq!(schema.file().dependency, ["billing/v2/Money.proto"]);
}

#[test]
fn a_type_that_needs_the_roots_package_again_is_written_into_the_file() {
    // billing.v2.Money holds a shop.v1.Line: importing Money's file would import back.
    let model = order_model_with_money_field(tagged("line", named("shop.v1.Line"), 3));
    let schema = ProtoSchema::build(&model).unwrap();
    let messages = message_names(schema.file());
    assert_eq!(messages, ["Order", "Money", "Line"]);
    assert_eq!(
        schema.file_name_of("billing.v2.Money"),
        Some("shop.v1.Money")
    );
    // Money's enum needs nothing of shop.v1: it is still imported, from its own file.
    assert_eq!(schema.file().dependency, ["billing/v2/Currency.proto"]);
    let names: Vec<_> = schema.imports().iter().map(ProtoImport::name).collect();
    assert_eq!(names, ["billing/v2/Currency.proto"]);
    assert_eq!(schema.imports()[0].file().enum_type[0].name(), "Currency");
    assert!(schema.imports()[0].file().message_type.is_empty());
}

#[test]
fn imports_that_would_define_one_type_twice_fall_back_to_one_file() {
    // Money and Tax, both of billing.v2, both hold billing.v2.Currency: their own files
    // would both define it.
    let mut model = order_model();
    if let Some(Def::Record(r)) = model.defs.first_mut() {
        r.fields.push(tagged("tax", named("billing.v2.Tax"), 4));
    }
    model.defs.push(record(
        "billing.v2.Tax",
        vec![tagged("currency", named("billing.v2.Currency"), 1)],
    ));
    let schema = ProtoSchema::build(&model).unwrap();
    assert!(schema.imports().is_empty());
    let messages = message_names(schema.file());
    assert_eq!(messages, ["Order", "Money", "Line", "Tax"]);
    crate::proto_file::parse_proto(schema.text()).unwrap();
}

#[test]
fn a_namespace_naming_a_message_is_nesting_not_another_package() {
    // `oracle.v1.Order.LineItem` is named like a message nested in `oracle.v1.Order`, as
    // protoc names it: it stays in the file (and so does what it holds).
    let model = TypeModel {
        root: named("oracle.v1.Order"),
        defs: vec![
            record(
                "oracle.v1.Order",
                vec![tagged("line", named("oracle.v1.Order.LineItem"), 1)],
            ),
            record(
                "oracle.v1.Order.LineItem",
                vec![tagged(
                    "discount",
                    named("oracle.v1.Order.LineItem.Discount"),
                    1,
                )],
            ),
            record(
                "oracle.v1.Order.LineItem.Discount",
                vec![tagged("cents", Ty::Long(IntKind::I64), 1)],
            ),
        ],
        references: Vec::new(),
    };
    let schema = ProtoSchema::build(&model).unwrap();
    assert!(schema.imports().is_empty());
    let messages = message_names(schema.file());
    assert_eq!(messages, ["Order", "LineItem", "Discount"]);
}
