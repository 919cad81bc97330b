//! What a compatibility check found: single incompatibilities and the overall report.

use std::fmt;

/// The rule an [`Incompatibility`] breaks.
///
/// The names follow the checker each format copies: Avro Java's `SchemaCompatibility`
/// (`NAME_MISMATCH`, `READER_FIELD_MISSING_DEFAULT_VALUE`, ...), Confluent's Protobuf
/// `SchemaDiff` (`FIELD_KIND_CHANGED`, ...) and Confluent's JSON Schema diff
/// (`Difference.Type`: `TYPE_NARROWED`, `MAX_LENGTH_DECREASED`, ...; which of those are
/// reported is listed in [`compat::json::rules`](crate::compat::json::rules)).
/// [`as_str`](Self::as_str) gives that spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IncompatibilityKind {
    // ---- Avro (Java SchemaCompatibility) ----
    /// Avro: a named type (record, enum, fixed) has another unqualified name and no reader
    /// alias names the writer's full name.
    NameMismatch,
    /// Avro: two `fixed` types have different sizes.
    FixedSizeMismatch,
    /// Avro: the writer's enum has symbols the reader lacks and the reader has no enum default.
    MissingEnumSymbols,
    /// Avro: a reader field has no default and is missing from the writer.
    ReaderFieldMissingDefaultValue,
    /// Avro: the writer's type cannot be read (or promoted) as the reader's type.
    TypeMismatch,
    /// Avro: a writer (branch) type matches no branch of the reader's union.
    MissingUnionBranch,
    /// Avro: a reader field's name and aliases name more than one writer field (Java's
    /// `lookupWriterField` throws, and Confluent reports the schema as incompatible).
    ReaderFieldMatchesMultipleWriterFields,

    // ---- Protobuf (Confluent SchemaDiff) ----
    /// Protobuf: the file's package changed.
    PackageChanged,
    /// Protobuf: a message of the old schema is missing from the new one.
    MessageRemoved,
    /// Protobuf: a field changed between scalar, message and enum kinds (or map vs not).
    FieldKindChanged,
    /// Protobuf: a scalar field changed to a type outside its wire-compatible group.
    FieldScalarKindChanged,
    /// Protobuf: a message- or enum-typed field now refers to another type.
    FieldNamedTypeChanged,
    /// Protobuf: a numeric field changed between singular and repeated.
    FieldNumericLabelChanged,
    /// Protobuf: a `required` field (proto2) was added.
    RequiredFieldAdded,
    /// Protobuf: a `required` field (proto2) was removed.
    RequiredFieldRemoved,
    /// Protobuf: a field that belonged to a oneof was removed.
    OneofFieldRemoved,
    /// Protobuf: several existing fields were moved into one new oneof.
    MultipleFieldsMovedToOneof,
    /// Protobuf: an existing field was moved into a oneof that already existed.
    FieldMovedToExistingOneof,
    /// Protobuf (stricter than Confluent, reported only by
    /// [`protobuf::renumbered_fields`](crate::compat::protobuf::renumbered_fields)): a field
    /// kept its name but changed its number, so data written under the old number is lost.
    FieldRenumbered,

    // ---- JSON Schema (Confluent JSON Schema diff) ----
    /// JSON: the set of accepted JSON types got smaller.
    TypeNarrowed,
    /// JSON: the schema's type changed to an unrelated one.
    TypeChanged,
    /// JSON: a property became required.
    RequiredAttributeAdded,
    /// JSON: a required property without a default was added where the old content model
    /// was open (any value was allowed under that name).
    RequiredPropertyAddedToOpenContentModel,
    /// JSON: a required property with a default was added where the old content model was
    /// open (incompatible under Confluent's default STRICT policy).
    RequiredPropertyWithDefaultAddedToOpenContentModel,
    /// JSON: an optional property was added where the old content model was open
    /// (incompatible under Confluent's default STRICT policy), unless it accepts anything.
    OptionalPropertyAddedToOpenContentModel,
    /// JSON: a required property without a default was added where the old content model
    /// was closed or partially open.
    RequiredPropertyAddedToUnopenContentModel,
    /// JSON: a property was removed where the new content model is closed.
    PropertyRemovedFromClosedContentModel,
    /// JSON: a property was added whose schema does not accept what the old content model's
    /// `additionalProperties` schema allowed for it.
    PropertyAddedNotCoveredByPartiallyOpenContentModel,
    /// JSON: a property was removed and the new content model's `additionalProperties`
    /// schema does not accept what the property allowed.
    PropertyRemovedNotCoveredByPartiallyOpenContentModel,
    /// JSON: `additionalProperties` became `false` where other properties were allowed.
    AdditionalPropertiesRemoved,
    /// JSON: `additionalProperties` became a schema where any value was allowed, or its
    /// schema got stricter.
    AdditionalPropertiesNarrowed,
    /// JSON: an `enum` lost values (and gained none).
    EnumArrayNarrowed,
    /// JSON: an `enum` lost values and gained others, or a `const` changed.
    EnumArrayChanged,
    /// JSON: `maximum` was added.
    MaximumAdded,
    /// JSON: `maximum` got smaller.
    MaximumDecreased,
    /// JSON: `minimum` was added.
    MinimumAdded,
    /// JSON: `minimum` got larger.
    MinimumIncreased,
    /// JSON: `exclusiveMaximum` was added (draft 6+ number, or draft 4 `true`).
    ExclusiveMaximumAdded,
    /// JSON: `exclusiveMaximum` got smaller.
    ExclusiveMaximumDecreased,
    /// JSON: `exclusiveMinimum` was added (draft 6+ number, or draft 4 `true`).
    ExclusiveMinimumAdded,
    /// JSON: `exclusiveMinimum` got larger.
    ExclusiveMinimumIncreased,
    /// JSON: `multipleOf` was added.
    MultipleOfAdded,
    /// JSON: `multipleOf` became a multiple of the old one (e.g. 2 → 4).
    MultipleOfExpanded,
    /// JSON: `multipleOf` changed to a value that does not divide the old one.
    MultipleOfChanged,
    /// JSON: `maxLength` was added.
    MaxLengthAdded,
    /// JSON: `maxLength` got smaller.
    MaxLengthDecreased,
    /// JSON: `minLength` was added.
    MinLengthAdded,
    /// JSON: `minLength` got larger.
    MinLengthIncreased,
    /// JSON: `pattern` was added.
    PatternAdded,
    /// JSON: `pattern` changed.
    PatternChanged,
    /// JSON (stricter than Confluent, which does not compare `format`): `format` was added
    /// or changed.
    FormatChanged,
    /// JSON: `maxItems` was added.
    MaxItemsAdded,
    /// JSON: `maxItems` got smaller.
    MaxItemsDecreased,
    /// JSON: `minItems` was added.
    MinItemsAdded,
    /// JSON: `minItems` got larger.
    MinItemsIncreased,
    /// JSON: `uniqueItems: true` was added.
    UniqueItemsAdded,
    /// JSON: `maxProperties` was added.
    MaxPropertiesAdded,
    /// JSON: `maxProperties` got smaller.
    MaxPropertiesDecreased,
    /// JSON: `minProperties` was added.
    MinPropertiesAdded,
    /// JSON: `minProperties` got larger.
    MinPropertiesIncreased,
    /// JSON: `maxContains` was added.
    MaxContainsAdded,
    /// JSON: `maxContains` got smaller.
    MaxContainsDecreased,
    /// JSON: `minContains` was added.
    MinContainsAdded,
    /// JSON: `minContains` got larger.
    MinContainsIncreased,
    /// JSON: a property dependency (`dependencies` array form, `dependentRequired`) was added.
    DependencyArrayAdded,
    /// JSON: a property dependency lists more properties than before.
    DependencyArrayExtended,
    /// JSON: a property dependency lists other properties than before.
    DependencyArrayChanged,
    /// JSON: a schema dependency (`dependencies` schema form, `dependentSchemas`) was added.
    DependencySchemaAdded,
    /// JSON: `unevaluatedProperties` became `false`.
    UnevaluatedPropertiesRemoved,
    /// JSON: `unevaluatedProperties` was added, or got stricter.
    UnevaluatedPropertiesNarrowed,
    /// JSON: `unevaluatedItems` became `false`.
    UnevaluatedItemsRemoved,
    /// JSON: `unevaluatedItems` was added, or got stricter.
    UnevaluatedItemsNarrowed,
    /// JSON: a combined schema (`oneOf`/`anyOf`) has fewer alternatives than before.
    SumTypeNarrowed,
    /// JSON: an alternative of the old combined schema matches no alternative of the new one.
    CombinedTypeSubschemasChanged,
    /// JSON: an `anyOf` became a `oneOf`.
    CombinedTypeChanged,
    /// JSON: a `not` schema's excluded schema accepts less than before, so the new `not`
    /// rejects values the old one accepted (Confluent's `NotSchemaDiff`).
    NotTypeExtended,
    /// JSON: a subschema appeared where there was none, e.g. `items` added to an array
    /// schema that had no single `items` schema (Confluent's `SchemaDiff.compare` with no
    /// original).
    SchemaAdded,
    /// JSON: a tuple position was added to an array whose writer schema allowed any items
    /// after its tuple (open content model), and the new position does not accept anything.
    ItemAddedToOpenContentModel,
    /// JSON: a tuple position was added whose schema does not accept what the writer's
    /// `additionalItems` (or 2020-12 `items`) schema allowed there.
    ItemAddedNotCoveredByPartiallyOpenContentModel,
    /// JSON: a tuple position was removed and the reader forbids items past its tuple.
    ItemRemovedFromClosedContentModel,
    /// JSON: a tuple position was removed and the reader's `additionalItems` (or 2020-12
    /// `items`) schema does not accept what the position allowed.
    ItemRemovedNotCoveredByPartiallyOpenContentModel,
    /// JSON: `additionalItems` (or 2020-12 `items` after `prefixItems`) became `false`.
    AdditionalItemsRemoved,
    /// JSON: `additionalItems` (or 2020-12 `items` after `prefixItems`) became a schema where
    /// any item was allowed.
    AdditionalItemsNarrowed,
    /// JSON: a `$ref` could not be resolved within the document.
    UnresolvedReference,
    /// JSON: the schemas are too large or too self-referential to compare within the
    /// checker's step budget; treated as incompatible rather than guessed.
    ComparisonLimitExceeded,
}

impl IncompatibilityKind {
    /// The rule's name as the reference implementations print it.
    pub fn as_str(self) -> &'static str {
        use IncompatibilityKind::*;
        match self {
            NameMismatch => "NAME_MISMATCH",
            FixedSizeMismatch => "FIXED_SIZE_MISMATCH",
            MissingEnumSymbols => "MISSING_ENUM_SYMBOLS",
            ReaderFieldMissingDefaultValue => "READER_FIELD_MISSING_DEFAULT_VALUE",
            TypeMismatch => "TYPE_MISMATCH",
            MissingUnionBranch => "MISSING_UNION_BRANCH",
            ReaderFieldMatchesMultipleWriterFields => "READER_FIELD_MATCHES_MULTIPLE_WRITER_FIELDS",
            PackageChanged => "PACKAGE_CHANGED",
            MessageRemoved => "MESSAGE_REMOVED",
            FieldKindChanged => "FIELD_KIND_CHANGED",
            FieldScalarKindChanged => "FIELD_SCALAR_KIND_CHANGED",
            FieldNamedTypeChanged => "FIELD_NAMED_TYPE_CHANGED",
            FieldNumericLabelChanged => "FIELD_NUMERIC_LABEL_CHANGED",
            RequiredFieldAdded => "REQUIRED_FIELD_ADDED",
            RequiredFieldRemoved => "REQUIRED_FIELD_REMOVED",
            OneofFieldRemoved => "ONEOF_FIELD_REMOVED",
            MultipleFieldsMovedToOneof => "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
            FieldMovedToExistingOneof => "FIELD_MOVED_TO_EXISTING_ONEOF",
            FieldRenumbered => "FIELD_RENUMBERED",
            TypeNarrowed => "TYPE_NARROWED",
            TypeChanged => "TYPE_CHANGED",
            RequiredAttributeAdded => "REQUIRED_ATTRIBUTE_ADDED",
            RequiredPropertyAddedToOpenContentModel => {
                "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            }
            RequiredPropertyWithDefaultAddedToOpenContentModel => {
                "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
            }
            OptionalPropertyAddedToOpenContentModel => {
                "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            }
            RequiredPropertyAddedToUnopenContentModel => {
                "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
            }
            PropertyRemovedFromClosedContentModel => "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
            PropertyAddedNotCoveredByPartiallyOpenContentModel => {
                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            }
            PropertyRemovedNotCoveredByPartiallyOpenContentModel => {
                "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            }
            AdditionalPropertiesRemoved => "ADDITIONAL_PROPERTIES_REMOVED",
            AdditionalPropertiesNarrowed => "ADDITIONAL_PROPERTIES_NARROWED",
            EnumArrayNarrowed => "ENUM_ARRAY_NARROWED",
            EnumArrayChanged => "ENUM_ARRAY_CHANGED",
            MaximumAdded => "MAXIMUM_ADDED",
            MaximumDecreased => "MAXIMUM_DECREASED",
            MinimumAdded => "MINIMUM_ADDED",
            MinimumIncreased => "MINIMUM_INCREASED",
            ExclusiveMaximumAdded => "EXCLUSIVE_MAXIMUM_ADDED",
            ExclusiveMaximumDecreased => "EXCLUSIVE_MAXIMUM_DECREASED",
            ExclusiveMinimumAdded => "EXCLUSIVE_MINIMUM_ADDED",
            ExclusiveMinimumIncreased => "EXCLUSIVE_MINIMUM_INCREASED",
            MultipleOfAdded => "MULTIPLE_OF_ADDED",
            MultipleOfExpanded => "MULTIPLE_OF_EXPANDED",
            MultipleOfChanged => "MULTIPLE_OF_CHANGED",
            MaxLengthAdded => "MAX_LENGTH_ADDED",
            MaxLengthDecreased => "MAX_LENGTH_DECREASED",
            MinLengthAdded => "MIN_LENGTH_ADDED",
            MinLengthIncreased => "MIN_LENGTH_INCREASED",
            PatternAdded => "PATTERN_ADDED",
            PatternChanged => "PATTERN_CHANGED",
            FormatChanged => "FORMAT_CHANGED",
            MaxItemsAdded => "MAX_ITEMS_ADDED",
            MaxItemsDecreased => "MAX_ITEMS_DECREASED",
            MinItemsAdded => "MIN_ITEMS_ADDED",
            MinItemsIncreased => "MIN_ITEMS_INCREASED",
            UniqueItemsAdded => "UNIQUE_ITEMS_ADDED",
            MaxPropertiesAdded => "MAX_PROPERTIES_ADDED",
            MaxPropertiesDecreased => "MAX_PROPERTIES_DECREASED",
            MinPropertiesAdded => "MIN_PROPERTIES_ADDED",
            MinPropertiesIncreased => "MIN_PROPERTIES_INCREASED",
            MaxContainsAdded => "MAX_CONTAINS_ADDED",
            MaxContainsDecreased => "MAX_CONTAINS_DECREASED",
            MinContainsAdded => "MIN_CONTAINS_ADDED",
            MinContainsIncreased => "MIN_CONTAINS_INCREASED",
            DependencyArrayAdded => "DEPENDENCY_ARRAY_ADDED",
            DependencyArrayExtended => "DEPENDENCY_ARRAY_EXTENDED",
            DependencyArrayChanged => "DEPENDENCY_ARRAY_CHANGED",
            DependencySchemaAdded => "DEPENDENCY_SCHEMA_ADDED",
            UnevaluatedPropertiesRemoved => "UNEVALUATED_PROPERTIES_REMOVED",
            UnevaluatedPropertiesNarrowed => "UNEVALUATED_PROPERTIES_NARROWED",
            UnevaluatedItemsRemoved => "UNEVALUATED_ITEMS_REMOVED",
            UnevaluatedItemsNarrowed => "UNEVALUATED_ITEMS_NARROWED",
            SumTypeNarrowed => "SUM_TYPE_NARROWED",
            CombinedTypeSubschemasChanged => "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
            CombinedTypeChanged => "COMBINED_TYPE_CHANGED",
            NotTypeExtended => "NOT_TYPE_EXTENDED",
            SchemaAdded => "SCHEMA_ADDED",
            ItemAddedToOpenContentModel => "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
            ItemAddedNotCoveredByPartiallyOpenContentModel => {
                "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            }
            ItemRemovedFromClosedContentModel => "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
            ItemRemovedNotCoveredByPartiallyOpenContentModel => {
                "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            }
            AdditionalItemsRemoved => "ADDITIONAL_ITEMS_REMOVED",
            AdditionalItemsNarrowed => "ADDITIONAL_ITEMS_NARROWED",
            UnresolvedReference => "UNRESOLVED_REFERENCE",
            ComparisonLimitExceeded => "COMPARISON_LIMIT_EXCEEDED",
        }
    }
}

impl fmt::Display for IncompatibilityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason why a reader schema cannot read data written with a writer schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    /// The rule that is broken.
    pub kind: IncompatibilityKind,
    /// Where in the reader schema, e.g. `/fields/amount` or `/Order/fields/3`.
    pub path: String,
    /// A sentence naming the field or type and the rule, e.g. "reader field 'amount' has no
    /// default and is missing from the writer".
    pub message: String,
}

impl Incompatibility {
    /// Builds an incompatibility.
    pub fn new(
        kind: IncompatibilityKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Incompatibility {
            kind,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Incompatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{} at '{}': {}", self.kind, path, self.message)
    }
}

/// The outcome of [`check_compatibility`](super::check_compatibility): compatible when
/// `messages` is empty, otherwise one human-readable line per problem (what the registry
/// returns in `{"is_compatible": false, "messages": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompatibilityReport {
    /// One line per incompatibility; empty when the schemas are compatible.
    pub messages: Vec<String>,
}

impl CompatibilityReport {
    /// A report without problems.
    pub fn compatible() -> Self {
        CompatibilityReport::default()
    }

    /// Whether no incompatibility was found.
    pub fn is_compatible(&self) -> bool {
        self.messages.is_empty()
    }
}
