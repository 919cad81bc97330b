//! Errors of the JSON codec.

/// Why a value could not be written as JSON that validates against its schema.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonEncodeError {
    /// JSON has no spelling for NaN or the infinities.
    #[error("{value} is not a finite number and cannot be written as JSON")]
    NonFiniteFloat {
        /// The value, printed (`NaN`, `inf`, `-inf`).
        value: String,
    },
    /// A value is outside what the schema's string format can express (e.g. a year
    /// outside 0000-9999 for `format: date`).
    #[error("value {value} is out of range: {reason}")]
    OutOfRange {
        /// The value, printed.
        value: String,
        /// What the schema allows.
        reason: &'static str,
    },
    /// A conversion shared with the Avro codec failed (a wide integer above `long`, a
    /// decimal wider than its precision).
    #[error(transparent)]
    Value(#[from] crate::codec::avro::EncodeError),
    /// The error happened inside a field.
    #[error("field `{field}`: {source}")]
    InField {
        /// `Type.field`.
        field: &'static str,
        /// The error inside the field.
        source: Box<JsonEncodeError>,
    },
}

impl JsonEncodeError {
    /// Wraps the error with the field it happened in.
    #[cold]
    pub fn in_field(self, field: &'static str) -> Self {
        JsonEncodeError::InField {
            field,
            source: Box::new(self),
        }
    }
}

/// Why a JSON document could not be read as a value of the type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonDecodeError {
    /// The input is not JSON.
    #[error("invalid JSON at byte {offset}: {message}")]
    Syntax {
        /// Byte offset of the problem.
        offset: usize,
        /// What was expected.
        message: &'static str,
    },
    /// The input ended inside a value.
    #[error("unexpected end of JSON input at byte {offset}")]
    UnexpectedEof {
        /// Byte offset (the input's length).
        offset: usize,
    },
    /// A value has the wrong JSON type for the schema.
    #[error("expected {expected} at byte {offset}, found {found}")]
    WrongType {
        /// What the schema wants (`string`, `integer`, ...).
        expected: &'static str,
        /// What the input has.
        found: &'static str,
        /// Byte offset of the value.
        offset: usize,
    },
    /// A required field is absent.
    #[error("missing required field `{field}`")]
    MissingField {
        /// The field's name on the wire.
        field: &'static str,
    },
    /// A field appears twice in one object.
    #[error("duplicate field `{field}`")]
    DuplicateField {
        /// The field's name on the wire.
        field: &'static str,
    },
    /// A string is not one of an enum's symbols.
    #[error("unknown symbol {symbol:?} for enum `{enum_name}`")]
    UnknownSymbol {
        /// The symbol read.
        symbol: String,
        /// The enum's schema name.
        enum_name: &'static str,
    },
    /// A data enum's tag names no variant.
    #[error("unknown variant {variant:?} for enum `{enum_name}`")]
    UnknownVariant {
        /// The tag read.
        variant: String,
        /// The enum's schema name.
        enum_name: &'static str,
    },
    /// A data enum's object does not have exactly one key naming the variant.
    #[error("expected an object with exactly one key naming a variant of `{enum_name}` at byte {offset}")]
    NotOneVariant {
        /// The enum's schema name.
        enum_name: &'static str,
        /// Byte offset where a second key (or the closing brace) was found.
        offset: usize,
    },
    /// A number is outside the range of the Rust type it decodes into.
    #[error("number {value} at byte {offset} is out of range for {target}")]
    IntOutOfRange {
        /// The number as written.
        value: String,
        /// The Rust type.
        target: &'static str,
        /// Byte offset of the number.
        offset: usize,
    },
    /// A string does not hold a valid value of its format (uuid, date, base64, decimal...).
    #[error("invalid {format} at byte {offset}: {value:?}")]
    InvalidFormat {
        /// The format expected.
        format: &'static str,
        /// The text read.
        value: String,
        /// Byte offset of the string.
        offset: usize,
    },
    /// Objects and arrays are nested deeper than the reader allows.
    #[error("JSON nested deeper than {limit} levels at byte {offset}")]
    TooDeep {
        /// The nesting limit.
        limit: usize,
        /// Byte offset where the limit was passed.
        offset: usize,
    },
    /// Something other than whitespace follows the value.
    #[error("trailing characters at byte {offset}")]
    TrailingCharacters {
        /// Byte offset of the first trailing character.
        offset: usize,
    },
    /// A conversion shared with the Avro codec failed (a decimal or wide integer out of
    /// its type's range).
    #[error(transparent)]
    Value(#[from] crate::codec::avro::DecodeError),
    /// A string with escapes was read into a borrowed `&str`, which can only point at
    /// the input as written (serde's `invalid type: string, expected a borrowed string`).
    #[error("the string at byte {offset} has escapes, so it cannot be borrowed as `&str`: use `Cow<str>` (borrowed when it can be) or `String`")]
    EscapedBorrow {
        /// Byte offset of the string.
        offset: usize,
    },
    /// Bytes were read into a borrowed `&[u8]`: JSON holds bytes as base64 text, which
    /// must be decoded into a buffer of its own.
    #[error("the bytes at byte {offset} are base64 in JSON, so they cannot be borrowed as `&[u8]`: use `Cow<[u8]>` or `Vec<u8>`")]
    BorrowedBase64 {
        /// Byte offset of the string.
        offset: usize,
    },
    /// The error happened inside a field.
    #[error("field `{field}`: {source}")]
    InField {
        /// `Type.field`.
        field: &'static str,
        /// The error inside the field.
        source: Box<JsonDecodeError>,
    },
}

impl JsonDecodeError {
    /// Wraps the error with the field it happened in.
    #[cold]
    pub fn in_field(self, field: &'static str) -> Self {
        JsonDecodeError::InField {
            field,
            source: Box::new(self),
        }
    }

    /// The innermost error, below every [`InField`](Self::InField) wrapper.
    pub fn root_cause(&self) -> &JsonDecodeError {
        match self {
            JsonDecodeError::InField { source, .. } => source.root_cause(),
            other => other,
        }
    }
}
