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

/// Compiles `schema`'s file with its imports (as a registry or consumer does with the
/// references resolved) and checks that every definition of `model` is found at its own
/// full name in the file that holds it: the root's file or one of its imports.
fn compile_and_find_every_type(schema: &ProtoSchema, model: &TypeModel) {
    let imports: Vec<(&str, &str)> = schema
        .imports()
        .iter()
        .map(|i| (i.name(), i.text()))
        .collect();
    let compiled = crate::proto_file::parse_proto_with_imports(schema.text(), &imports)
        .unwrap_or_else(|e| panic!("{e}\n{}", schema.text()));
    assert_eq!(compiled.dependency, schema.file().dependency);
    let mut files: Vec<&FileDescriptorProto> = vec![schema.file()];
    files.extend(schema.imports().iter().map(ProtoImport::file));
    for def in &model.defs {
        let full = def.full_name();
        let holders: Vec<&str> = files
            .iter()
            .filter(|f| defines(f, full, matches!(def, Def::Enum(_))))
            .map(|f| f.name())
            .collect();
        assert_eq!(holders.len(), 1, "`{full}` defined in {holders:?}");
    }
}

/// Whether `file` defines the message (or enum) `full`, at that full name.
fn defines(file: &FileDescriptorProto, full: &str, is_enum: bool) -> bool {
    let relative = match file.package() {
        "" => Some(full),
        package => full
            .strip_prefix(package)
            .and_then(|rest| rest.strip_prefix('.')),
    };
    let Some(relative) = relative else {
        return false;
    };
    let (outer, last) = match relative.rsplit_once('.') {
        Some((outer, last)) => (Some(outer), last),
        None => (None, relative),
    };
    let (messages, enums) = match outer {
        None => (&file.message_type, &file.enum_type),
        Some(outer) => {
            let mut scope = &file.message_type;
            let mut found = None;
            for segment in outer.split('.') {
                let Some(m) = scope.iter().find(|m| m.name() == segment) else {
                    return false;
                };
                scope = &m.nested_type;
                found = Some(m);
            }
            let Some(m) = found else { return false };
            (&m.nested_type, &m.enum_type)
        }
    };
    if is_enum {
        enums.iter().any(|e| e.name() == last)
    } else {
        messages.iter().any(|m| m.name() == last)
    }
}

fn import_names(schema: &ProtoSchema) -> Vec<&str> {
    schema.imports().iter().map(ProtoImport::name).collect()
}

#[test]
fn a_type_of_the_roots_package_another_package_needs_gets_a_file_of_its_own() {
    // billing.v2.Money holds a shop.v1.Line, which Order holds too: Line moves to
    // shop/v1/Line.proto, which Money's file and Order's file both import.
    let model = order_model_with_money_field(tagged("line", named("shop.v1.Line"), 3));
    let schema = ProtoSchema::build(&model).unwrap();
    assert_eq!(message_names(schema.file()), ["Order"]);
    assert_eq!(
        schema.file().dependency,
        ["billing/v2/Money.proto", "shop/v1/Line.proto"]
    );
    assert_eq!(
        import_names(&schema),
        ["shop/v1/Line.proto", "billing/v2/Money.proto"]
    );
    let [line, money] = schema.imports() else {
        panic!("two imports: {:?}", schema.imports());
    };
    assert_eq!(line.file().package(), "shop.v1");
    assert_eq!(message_names(line.file()), ["Line"]);
    assert_eq!(money.file().package(), "billing.v2");
    assert_eq!(message_names(money.file()), ["Money"]);
    assert_eq!(money.file().enum_type[0].name(), "Currency");
    assert_eq!(
        money.model_imports().collect::<Vec<_>>(),
        ["shop/v1/Line.proto"]
    );
    assert_eq!(
        money.file().message_type[0].field[2].type_name(),
        ".shop.v1.Line"
    );
    // Every name agrees with the type's own full name.
    assert_eq!(schema.file_name_of("shop.v1.Order"), Some("shop.v1.Order"));
    assert_eq!(schema.file_name_of("billing.v2.Money"), None);
    assert_eq!(schema.file_name_of("shop.v1.Line"), None);
    assert_eq!(schema.message_indexes(), [0]);
    compile_and_find_every_type(&schema, &model);
}

#[test]
fn a_type_two_imported_files_need_is_defined_once_in_its_own_file() {
    // Money and Tax, both of billing.v2, both hold billing.v2.Currency: it gets its own
    // file, which both import, instead of being defined in each.
    let mut model = order_model();
    if let Some(Def::Record(r)) = model.defs.first_mut() {
        r.fields.push(tagged("tax", named("billing.v2.Tax"), 4));
    }
    model.defs.push(record(
        "billing.v2.Tax",
        vec![tagged("currency", named("billing.v2.Currency"), 1)],
    ));
    let schema = ProtoSchema::build(&model).unwrap();
    assert_eq!(message_names(schema.file()), ["Order", "Line"]);
    assert_eq!(
        schema.file().dependency,
        ["billing/v2/Money.proto", "billing/v2/Tax.proto"]
    );
    assert_eq!(
        import_names(&schema),
        [
            "billing/v2/Currency.proto",
            "billing/v2/Money.proto",
            "billing/v2/Tax.proto"
        ]
    );
    for import in &schema.imports()[1..] {
        assert_eq!(
            import.model_imports().collect::<Vec<_>>(),
            ["billing/v2/Currency.proto"]
        );
        assert!(import.file().enum_type.is_empty());
    }
    let currency = schema.imports()[0].file();
    assert!(currency.message_type.is_empty());
    assert_eq!(currency.enum_type[0].name(), "Currency");
    compile_and_find_every_type(&schema, &model);
}

#[test]
fn a_namespace_naming_a_message_is_nesting_not_another_package() {
    // `oracle.v1.Order.LineItem` is named like a message nested in `oracle.v1.Order`, as
    // protoc names it: it is written inside Order (and Discount inside LineItem).
    let model = TypeModel {
        root: named("oracle.v1.Order"),
        defs: vec![
            record(
                "oracle.v1.Order",
                vec![
                    tagged("line", named("oracle.v1.Order.LineItem"), 1),
                    tagged(
                        "attrs",
                        Ty::Map(Box::new(named("oracle.v1.Order.LineItem.Discount"))),
                        2,
                    ),
                ],
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
                vec![tagged("kind", named("oracle.v1.Order.Kind"), 1)],
            ),
            Def::Enum(EnumDef {
                full_name: "oracle.v1.Order.Kind".into(),
                symbols: vec!["NONE".into(), "PERCENT".into()],
                ..Default::default()
            }),
        ],
        references: Vec::new(),
    };
    let schema = ProtoSchema::build(&model).unwrap();
    assert!(schema.imports().is_empty());
    let file = schema.file();
    assert_eq!(message_names(file), ["Order"]);
    assert!(file.enum_type.is_empty());
    let order = &file.message_type[0];
    // The nested message first, then the map entry, as protoc orders them.
    let nested: Vec<_> = order.nested_type.iter().map(|m| m.name()).collect();
    assert_eq!(nested, ["LineItem", "AttrsEntry"]);
    assert_eq!(order.enum_type[0].name(), "Kind");
    assert_eq!(order.nested_type[0].nested_type[0].name(), "Discount");
    assert_eq!(order.field[0].type_name(), ".oracle.v1.Order.LineItem");
    assert_eq!(order.field[1].type_name(), ".oracle.v1.Order.AttrsEntry");
    for (full, path) in [
        ("oracle.v1.Order", vec![0]),
        ("oracle.v1.Order.LineItem", vec![0, 0]),
        ("oracle.v1.Order.LineItem.Discount", vec![0, 0, 0]),
    ] {
        assert_eq!(schema.file_name_of(full), Some(full));
        assert_eq!(schema.message_index_path_of(full), Some(path));
    }
    // The printed text reads back as the same descriptor.
    let parsed = crate::proto_file::parse_proto(schema.text()).unwrap();
    assert_eq!(parsed.message_type[0].nested_type.len(), 2);
    assert_eq!(
        crate::proto_file::message_index_path(&parsed, "oracle.v1.Order.LineItem.Discount"),
        Some(vec![0, 0, 0])
    );
    compile_and_find_every_type(&schema, &model);
}

#[test]
fn a_type_nested_in_a_message_of_another_package_is_imported_with_it() {
    // `billing.v2.Money.Part` is nested in Money: Order's file imports Money's file and
    // refers to `.billing.v2.Money.Part`, rather than a package `billing.v2.Money` that
    // would clash with the message of that name.
    let mut model = order_model_with_money_field(tagged("part", named("billing.v2.Money.Part"), 3));
    if let Some(Def::Record(r)) = model.defs.first_mut() {
        r.fields
            .push(tagged("part", named("billing.v2.Money.Part"), 4));
    }
    model.defs.push(record(
        "billing.v2.Money.Part",
        vec![tagged("cents", Ty::Long(IntKind::I64), 1)],
    ));
    let schema = ProtoSchema::build(&model).unwrap();
    assert_eq!(import_names(&schema), ["billing/v2/Money.proto"]);
    assert_eq!(
        schema.file().message_type[0].field[3].type_name(),
        ".billing.v2.Money.Part"
    );
    let money = schema.imports()[0].file();
    assert_eq!(money.message_type[0].nested_type[0].name(), "Part");
    compile_and_find_every_type(&schema, &model);
}

#[test]
fn a_root_named_inside_a_message_it_needs_is_nested_in_it() {
    // `p.Tree.Node` refers to `p.Tree`: the file is Tree's, with Node inside, and the
    // root's message-index path is [0, 0].
    let model = TypeModel {
        root: named("p.Tree.Node"),
        defs: vec![
            record("p.Tree.Node", vec![tagged("tree", named("p.Tree"), 1)]),
            record("p.Tree", vec![tagged("value", Ty::String, 1)]),
        ],
        references: Vec::new(),
    };
    let schema = ProtoSchema::build(&model).unwrap();
    assert_eq!(schema.file().name(), "p/Tree.proto");
    assert_eq!(schema.message_indexes(), [0, 0]);
    assert_eq!(schema.message_full_name(), "p.Tree.Node");
    assert_eq!(
        schema.message_index_path_of("p.Tree.Node"),
        Some(vec![0, 0])
    );
    compile_and_find_every_type(&schema, &model);
}

#[test]
fn types_of_two_packages_that_refer_to_each_other_are_a_typed_error() {
    // Order (shop.v1) holds Money (billing.v2), which holds an Order again: one file per
    // package would import each other.
    let model = order_model_with_money_field(tagged(
        "order",
        Ty::Array(Box::new(named("shop.v1.Order"))),
        3,
    ));
    assert_eq!(
        ProtoSchema::build(&model),
        Err(ProtoBuildError::PackageCycle {
            first: "shop.v1.Order".into(),
            second: "billing.v2.Money".into(),
        })
    );
    // Through a third type of the root's package too.
    let mut model = order_model_with_money_field(tagged("line", named("shop.v1.Line"), 3));
    if let Some(Def::Record(r)) = model.defs.get_mut(1) {
        r.fields.push(tagged(
            "order",
            Ty::Array(Box::new(named("shop.v1.Order"))),
            2,
        ));
    }
    let error = ProtoSchema::build(&model).unwrap_err();
    assert!(
        matches!(&error, ProtoBuildError::PackageCycle { first, second }
            if first == "shop.v1.Order" && second == "billing.v2.Money"),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("give them one namespace"),
        "{error}"
    );
}

#[test]
fn a_type_named_inside_an_enum_is_a_typed_error() {
    let model = TypeModel {
        root: named("p.M"),
        defs: vec![
            record(
                "p.M",
                vec![
                    tagged("kind", named("p.Kind"), 1),
                    tagged("x", named("p.Kind.X"), 2),
                ],
            ),
            Def::Enum(EnumDef {
                full_name: "p.Kind".into(),
                symbols: vec!["A".into()],
                ..Default::default()
            }),
            record("p.Kind.X", vec![tagged("v", Ty::String, 1)]),
        ],
        references: Vec::new(),
    };
    assert_eq!(
        ProtoSchema::build(&model),
        Err(ProtoBuildError::NestedInEnum {
            nested: "p.Kind.X".into(),
            enclosing: "p.Kind".into(),
        })
    );
}

#[test]
fn clashing_enum_values_are_prefixed_across_the_files_of_a_package() {
    // Line moves to a file of its own (Money needs it); its enum and Order's enum share
    // package shop.v1, so their values clash although they are in different files.
    let status = |full: &str| {
        Def::Enum(EnumDef {
            full_name: full.into(),
            symbols: vec!["UNKNOWN".into(), "OK".into()],
            ..Default::default()
        })
    };
    let mut model = order_model_with_money_field(tagged("line", named("shop.v1.Line"), 3));
    for def in &mut model.defs {
        match def {
            Def::Record(r) if r.full_name == "shop.v1.Order" => {
                r.fields.push(tagged("status", named("shop.v1.Status"), 4));
            }
            Def::Record(r) if r.full_name == "shop.v1.Line" => {
                r.fields
                    .push(tagged("state", named("shop.v1.LineState"), 2));
            }
            _ => {}
        }
    }
    model.defs.push(status("shop.v1.Status"));
    model.defs.push(status("shop.v1.LineState"));
    let schema = ProtoSchema::build(&model).unwrap();
    let values = |e: &EnumDescriptorProto| -> Vec<String> {
        e.value.iter().map(|v| v.name().to_string()).collect()
    };
    assert_eq!(
        values(&schema.file().enum_type[0]),
        ["Status_UNKNOWN", "Status_OK"]
    );
    let line = schema
        .imports()
        .iter()
        .find(|i| i.name() == "shop/v1/Line.proto")
        .expect("Line's file");
    assert_eq!(
        values(&line.file().enum_type[0]),
        ["LineState_UNKNOWN", "LineState_OK"]
    );
    compile_and_find_every_type(&schema, &model);
}
