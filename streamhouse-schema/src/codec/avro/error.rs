//! Errors of the Avro codec.

/// Why a value could not be encoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EncodeError {
    /// An integer does not fit the schema's integer type (e.g. a `u64` above `i64::MAX`
    /// mapped to `long`).
    #[error("value {value} does not fit in Avro {target}")]
    IntOverflow {
        /// The value, printed.
        value: String,
        /// The Avro type it had to fit (`int`, `long`).
        target: &'static str,
    },
    /// A decimal has more digits than the schema's precision allows.
    #[error("decimal {value} does not fit precision {precision} at scale {scale}")]
    DecimalPrecision {
        /// The value, printed.
        value: String,
        /// The schema's precision.
        precision: u32,
        /// The schema's scale.
        scale: u32,
    },
    /// A value cannot be represented (e.g. a timestamp outside the `long` range).
    #[error("invalid value: {0}")]
    InvalidValue(String),
    /// The error happened inside a field.
    #[error("field `{field}`: {source}")]
    InField {
        /// `Type.field`.
        field: &'static str,
        /// The error inside the field.
        source: Box<EncodeError>,
    },
}

impl EncodeError {
    /// Wraps the error with the field it happened in.
    #[cold]
    pub fn in_field(self, field: &'static str) -> Self {
        EncodeError::InField {
            field,
            source: Box::new(self),
        }
    }
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended inside a value.
    #[error("unexpected end of input: needed {needed} more bytes, {remaining} left")]
    UnexpectedEof {
        /// Bytes the value needed.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A varint ran past 10 bytes or past 64 bits.
    #[error("malformed variable-length integer")]
    MalformedVarint,
    /// An integer is out of range for the Rust type it decodes into.
    #[error("integer {value} out of range for {target}")]
    IntOutOfRange {
        /// The decoded value.
        value: i64,
        /// The Rust type.
        target: &'static str,
    },
    /// A length prefix is negative or larger than the bytes that remain.
    #[error("invalid length {len}: {remaining} bytes remain")]
    InvalidLength {
        /// The decoded length.
        len: i64,
        /// Bytes that were left.
        remaining: usize,
    },
    /// An array or map block has more items than the input can hold.
    #[error("invalid item count {count} in array or map block")]
    InvalidCount {
        /// The decoded count.
        count: i64,
    },
    /// A string is not UTF-8.
    #[error("string is not valid UTF-8")]
    InvalidUtf8,
    /// A union branch index is outside the union.
    #[error("union branch {index} out of range: the union has {branches} branches")]
    UnionBranch {
        /// The decoded index.
        index: i64,
        /// Number of branches.
        branches: usize,
    },
    /// An enum symbol index is outside the symbols.
    #[error("enum symbol {index} out of range: {symbols} symbols")]
    EnumSymbol {
        /// The decoded index.
        index: i64,
        /// Number of symbols.
        symbols: usize,
    },
    /// A boolean byte other than 0 or 1.
    #[error("invalid boolean byte {0:#04x}")]
    InvalidBool(u8),
    /// A value decoded but is not valid for its logical type.
    #[error("invalid value: {0}")]
    InvalidValue(String),
    /// A writer schema cannot be read as the reader's type.
    #[error("incompatible writer schema: {0}")]
    Incompatible(String),
    /// Arrays, maps or pointers of a recursive type nest deeper than the limit
    /// ([`crate::codec::limits`]).
    #[error("value nests too deeply (more than {limit} levels)")]
    TooDeep {
        /// The limit in force.
        limit: usize,
    },
    /// The error happened inside a field.
    #[error("field `{field}`: {source}")]
    InField {
        /// `Type.field`.
        field: &'static str,
        /// The error inside the field.
        source: Box<DecodeError>,
    },
}

impl DecodeError {
    /// Wraps the error with the field it happened in.
    #[cold]
    pub fn in_field(self, field: &'static str) -> Self {
        DecodeError::InField {
            field,
            source: Box::new(self),
        }
    }

    /// The innermost error, below every [`InField`](Self::InField) wrapper.
    pub fn root_cause(&self) -> &DecodeError {
        let mut e = self;
        while let DecodeError::InField { source, .. } = e {
            e = source;
        }
        e
    }
}
