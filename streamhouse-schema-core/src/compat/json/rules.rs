//! Confluent's JSON Schema rules, one by one, and what this checker does with each.
//!
//! Confluent's registry judges JSON Schema changes with `SchemaDiff.compare(original,
//! update)` (json-schema-provider, `io/confluent/kafka/schemaregistry/json/diff/`), which
//! lists `Difference`s of a `Difference.Type` and calls the change compatible when every
//! difference is in `SchemaDiff.COMPATIBLE_CHANGES_STRICT` (the default policy;
//! `COMPATIBLE_CHANGES_LENIENT` is not offered here). For BACKWARD the registered schema is
//! the original and the new one the update; in [`can_read`](super::can_read) terms the
//! original is the *writer* and the update the *reader*.
//!
//! This checker reports only the incompatible types, under the same names
//! ([`IncompatibilityKind::as_str`](crate::compat::IncompatibilityKind::as_str)); the
//! compatible ones are changes it accepts without a word. Columns: the type, Confluent's
//! verdict under STRICT (✓ compatible, ✗ incompatible), and what happens here.
//!
//! ## Schema-wide
//! | `Difference.Type` | Confluent | here |
//! |---|---|---|
//! | `ID_CHANGED`, `DESCRIPTION_CHANGED`, `TITLE_CHANGED`, `DEFAULT_CHANGED` | ✓ | accepted (annotations are not compared) |
//! | `SCHEMA_ADDED` | ✗ | reported for `items` added to an array schema (`json/items.rs`) |
//! | `SCHEMA_REMOVED` | ✓ | accepted |
//! | `TYPE_EXTENDED` | ✓ | accepted |
//! | `TYPE_NARROWED` | ✗ | reported when the reader accepts fewer of the writer's types (`number` → `integer`, `["string","null"]` → `"string"`; Java names the latter a combined-type change, as it loads a `type` array as an `anyOf`) |
//! | `TYPE_CHANGED` | ✗ | reported when the types share nothing, and for `not` against any other kind of schema (`json/negation.rs`). Java also says `TYPE_CHANGED` whenever its loader picks two different schema classes (e.g. `{"type":"string"}` against `{"enum":["a"]}`); here such pairs are compared by what they accept |
//!
//! ## Strings (`StringSchemaDiff`)
//! | `Difference.Type` | Confluent | here |
//! |---|---|---|
//! | `MAX_LENGTH_ADDED`, `MAX_LENGTH_DECREASED`, `MIN_LENGTH_ADDED`, `MIN_LENGTH_INCREASED`, `PATTERN_ADDED`, `PATTERN_CHANGED` | ✗ | reported |
//! | `MAX_LENGTH_REMOVED`, `MAX_LENGTH_INCREASED`, `MIN_LENGTH_REMOVED`, `MIN_LENGTH_DECREASED`, `PATTERN_REMOVED` | ✓ | accepted |
//! | (none: Java does not compare `format`) | ✓ | stricter: `FORMAT_CHANGED` when the reader requires a `format` the writer did not |
//!
//! ## Numbers (`NumberSchemaDiff`)
//! | `Difference.Type` | Confluent | here |
//! |---|---|---|
//! | `MAXIMUM_ADDED`, `MAXIMUM_DECREASED`, `MINIMUM_ADDED`, `MINIMUM_INCREASED`, `EXCLUSIVE_MAXIMUM_ADDED`, `EXCLUSIVE_MAXIMUM_DECREASED`, `EXCLUSIVE_MINIMUM_ADDED`, `EXCLUSIVE_MINIMUM_INCREASED` | ✗ | reported, but judged on the effective bound: a writer `minimum` of 5 satisfies a reader `exclusiveMinimum` of 4 here, while Java, comparing keyword by keyword, reports `EXCLUSIVE_MINIMUM_ADDED` |
//! | `MAXIMUM_REMOVED`, `MAXIMUM_INCREASED`, `MINIMUM_REMOVED`, `MINIMUM_DECREASED`, `EXCLUSIVE_*_REMOVED`, `EXCLUSIVE_MAXIMUM_INCREASED`, `EXCLUSIVE_MINIMUM_DECREASED` | ✓ | accepted |
//! | `MULTIPLE_OF_ADDED`, `MULTIPLE_OF_EXPANDED`, `MULTIPLE_OF_CHANGED` | ✗ | reported |
//! | `MULTIPLE_OF_REMOVED`, `MULTIPLE_OF_REDUCED` | ✓ | accepted |
//!
//! ## Objects (`ObjectSchemaDiff`)
//! | `Difference.Type` | Confluent | here |
//! |---|---|---|
//! | `REQUIRED_ATTRIBUTE_ADDED` | ✗ | reported for properties both sides have; also (stricter) for a newly required name that has no property schema, which Java skips |
//! | `REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED`, `REQUIRED_ATTRIBUTE_REMOVED` | ✓ | accepted |
//! | `MAX_PROPERTIES_ADDED`, `MAX_PROPERTIES_DECREASED`, `MIN_PROPERTIES_ADDED`, `MIN_PROPERTIES_INCREASED` | ✗ | reported |
//! | `MAX_PROPERTIES_REMOVED`, `MAX_PROPERTIES_INCREASED`, `MIN_PROPERTIES_REMOVED`, `MIN_PROPERTIES_DECREASED` | ✓ | accepted |
//! | `ADDITIONAL_PROPERTIES_REMOVED`, `ADDITIONAL_PROPERTIES_NARROWED` | ✗ | reported |
//! | `ADDITIONAL_PROPERTIES_ADDED`, `ADDITIONAL_PROPERTIES_EXTENDED` | ✓ | accepted |
//! | `DEPENDENCY_ARRAY_ADDED`, `DEPENDENCY_ARRAY_EXTENDED`, `DEPENDENCY_ARRAY_CHANGED`, `DEPENDENCY_SCHEMA_ADDED` | ✗ | reported (`json/dependencies.rs`; `dependentRequired` and `dependentSchemas` too) |
//! | `DEPENDENCY_ARRAY_REMOVED`, `DEPENDENCY_ARRAY_NARROWED`, `DEPENDENCY_SCHEMA_REMOVED` | ✓ | accepted |
//! | `PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL` | (deprecated, no longer emitted) | not used; the three types below replace it |
//! | `REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`, `REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL`, `OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL` | ✗ | reported |
//! | `PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL` | ✓ | accepted, unless the property is required without a default (stricter: data without it fails the reader) |
//! | `REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL` | ✗ | reported |
//! | `REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL`, `OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL` | ✓ | accepted |
//! | `PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL`, `PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL` | ✓ | accepted |
//! | `PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL` | ✗ | reported |
//! | `PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`, `PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL` | ✓ | accepted |
//! | `PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`, `PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL` | ✗ | reported, with `additionalProperties` (and `unevaluatedProperties: false`) as the content model. Not implemented: `patternProperties` as part of it (Java matches property names against the patterns with Java regexes; here `patternProperties` is not compared) |
//! | `RESERVED_PROPERTY_REMOVED`, `RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY` | ✗ | not implemented: they come from the subject's metadata (`confluent:reserved`), not from the two schemas this checker sees |
//! | `UNEVALUATED_PROPERTIES_REMOVED`, `UNEVALUATED_PROPERTIES_NARROWED` | ✗ | reported (`json/unevaluated.rs`) |
//! | `UNEVALUATED_PROPERTIES_ADDED`, `UNEVALUATED_PROPERTIES_EXTENDED` | ✓ | accepted |
//!
//! ## Arrays (`ArraySchemaDiff`, see `json/items.rs`)
//! | `Difference.Type` | Confluent | here |
//! |---|---|---|
//! | `MAX_ITEMS_ADDED`, `MAX_ITEMS_DECREASED`, `MIN_ITEMS_ADDED`, `MIN_ITEMS_INCREASED`, `UNIQUE_ITEMS_ADDED` | ✗ | reported |
//! | `MAX_ITEMS_REMOVED`, `MAX_ITEMS_INCREASED`, `MIN_ITEMS_REMOVED`, `MIN_ITEMS_DECREASED`, `UNIQUE_ITEMS_REMOVED` | ✓ | accepted |
//! | `MAX_CONTAINS_ADDED`, `MAX_CONTAINS_DECREASED`, `MIN_CONTAINS_ADDED`, `MIN_CONTAINS_INCREASED` | ✗ | reported (`minContains: 0` added is accepted here, as it allows every array; `contains` itself is compared by neither) |
//! | `MAX_CONTAINS_REMOVED`, `MAX_CONTAINS_INCREASED`, `MIN_CONTAINS_REMOVED`, `MIN_CONTAINS_DECREASED` | ✓ | accepted |
//! | `ADDITIONAL_ITEMS_REMOVED`, `ADDITIONAL_ITEMS_NARROWED` | ✗ | reported |
//! | `ADDITIONAL_ITEMS_ADDED`, `ADDITIONAL_ITEMS_EXTENDED` | ✓ | accepted |
//! | `UNEVALUATED_ITEMS_REMOVED`, `UNEVALUATED_ITEMS_NARROWED` | ✗ | reported |
//! | `UNEVALUATED_ITEMS_ADDED`, `UNEVALUATED_ITEMS_EXTENDED` | ✓ | accepted |
//! | `ITEM_ADDED_TO_OPEN_CONTENT_MODEL`, `ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`, `ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL`, `ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL` | ✗ | reported (tuple positions; `items` turning into a tuple is one such case) |
//! | `ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL`, `ITEM_ADDED_TO_CLOSED_CONTENT_MODEL`, `ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL`, `ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL`, `ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL`, `ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL` | ✓ | accepted |
//!
//! ## Enums and constants (`EnumSchemaDiff`, `ConstSchemaDiff`)
//! | `Difference.Type` | Confluent | here |
//! |---|---|---|
//! | `ENUM_ARRAY_NARROWED`, `ENUM_ARRAY_CHANGED` | ✗ | reported (a changed `const` is `ENUM_ARRAY_CHANGED`, as in Java); an `enum` added where the writer listed no values is `ENUM_ARRAY_NARROWED` here, a class change (`TYPE_CHANGED`) in Java |
//! | `ENUM_ARRAY_EXTENDED` | ✓ | accepted |
//!
//! ## Combined schemas (`CombinedSchemaDiff`) and `not` (`NotSchemaDiff`)
//! | `Difference.Type` | Confluent | here |
//! |---|---|---|
//! | `SUM_TYPE_NARROWED` | ✗ | reported when the reader's `anyOf`/`oneOf` has fewer alternatives than the writer's, as in Java even if the remaining ones read every old one |
//! | `COMBINED_TYPE_SUBSCHEMAS_CHANGED` | ✗ | reported for each writer alternative that no reader alternative reads (or, when exactly one reader alternative has the writer's type, that alternative's own problems). Java pairs alternatives by a maximum matching; here each writer alternative needs some reader alternative, so two writer alternatives may share one reader alternative |
//! | `COMBINED_TYPE_CHANGED` | ✗ | reported for `anyOf` → `oneOf` (neither with a single alternative). Not for `allOf` against `anyOf`/`oneOf`: `allOf` conjuncts are merged into one schema first |
//! | `COMBINED_TYPE_EXTENDED`, `SUM_TYPE_EXTENDED`, `PRODUCT_TYPE_NARROWED` | ✓ | accepted (`oneOf` → `anyOf`, more alternatives, fewer conjuncts) |
//! | `PRODUCT_TYPE_EXTENDED` | ✗ | not reported under this name: `allOf` conjuncts are merged into one schema, so an added conjunct is reported by the keywords it adds (and one that adds no constraint is accepted) |
//! | `NOT_TYPE_EXTENDED` | ✗ | reported (`json/negation.rs`) |
//! | `NOT_TYPE_NARROWED` | ✓ | accepted |
//!
//! ## Not compared at all
//! `if`/`then`/`else` (Java's loader turns them into a `ConditionalSchema`, which
//! `SchemaDiff` compares only by class: a conditional that appears or disappears is
//! `TYPE_CHANGED` there, changes inside one are not seen), `propertyNames`, `contains`,
//! `contentEncoding`/`contentMediaType`, and references to other documents (compatible only
//! when both sides name the same one; Java resolves them against the registered references).
