//! One resolved Avro reader and writer per schema, kept with the schema they borrow.
//!
//! apache-avro's `GenericDatumReader` and `GenericDatumWriter` resolve every named type of
//! their schema when they are built (a walk of the schema and a map of cloned names);
//! building them for each message cost a rule run about as much as the decode itself. A
//! [`AvroDatum`] is built once, when the schema is parsed for rules, and reused for every
//! message of that schema.

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::types::Value as AvroValue;
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema;

use super::error::RuleError;
use crate::codec::avro::generic;

/// A schema with its resolved generic reader and writer.
#[ouroboros::self_referencing]
pub(crate) struct AvroDatum {
    schema: Schema,
    #[borrows(schema)]
    #[covariant]
    reader: GenericDatumReader<'this>,
    #[borrows(schema)]
    #[covariant]
    writer: GenericDatumWriter<'this>,
}

impl std::fmt::Debug for AvroDatum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AvroDatum")
            .field("schema", self.borrow_schema())
            .finish_non_exhaustive()
    }
}

impl AvroDatum {
    /// Resolves `schema` for reading and writing; a schema whose names do not resolve (a
    /// reference to a type it does not define) is an error.
    pub(crate) fn resolve(schema: Schema) -> Result<Self, RuleError> {
        AvroDatumTryBuilder {
            schema,
            reader_builder: |schema: &Schema| GenericDatumReader::builder(schema).build(),
            writer_builder: |schema: &Schema| GenericDatumWriter::builder(schema).build(),
        }
        .try_build()
        .map_err(|e| RuleError::execution(format!("the Avro schema does not resolve: {e}")))
    }

    /// Decodes the datum at the start of `payload`, written with the schema, `depth`
    /// containers deep (`codec::avro::generic::check`, which also bounds it).
    pub(crate) fn read(&self, payload: &[u8], depth: usize) -> Result<AvroValue, RuleError> {
        generic::on_stack_for(depth, || {
            let mut reader = payload;
            self.borrow_reader().read_value(&mut reader)
        })
        .map_err(RuleError::execution)?
        .map_err(|e| RuleError::execution(format!("the Avro payload does not decode: {e}")))
    }

    /// Appends the encoding of `value`, which must fit the schema (it is validated first),
    /// to `out`.
    pub(crate) fn write(&self, value: &AvroValue, out: &mut Vec<u8>) -> Result<(), RuleError> {
        generic::on_stack_for(generic::depth(value), || {
            self.borrow_writer().write_value_ref(out, value)
        })
        .map_err(RuleError::execution)?
        .map(|_| ())
        .map_err(|e| {
            RuleError::execution(format!(
                "the transformed message does not fit the Avro schema: {e}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"{"type":"record","name":"Node","namespace":"t","fields":[
        {"name":"label","type":"string"},
        {"name":"next","type":["null","Node"],"default":null}
    ]}"#;

    #[test]
    fn a_recursive_record_round_trips_through_the_kept_reader_and_writer() {
        let datum =
            AvroDatum::resolve(Schema::parse_str(SCHEMA).expect("schema")).expect("resolve");
        let value = AvroValue::Record(vec![
            ("label".into(), AvroValue::String("a".into())),
            (
                "next".into(),
                AvroValue::Union(
                    1,
                    Box::new(AvroValue::Record(vec![
                        ("label".into(), AvroValue::String("b".into())),
                        (
                            "next".into(),
                            AvroValue::Union(0, Box::new(AvroValue::Null)),
                        ),
                    ])),
                ),
            ),
        ]);
        let mut bytes = Vec::new();
        datum.write(&value, &mut bytes).expect("write");
        // label "a", branch 1, label "b", branch 0: zig-zag lengths and indexes.
        assert_eq!(bytes, [2, b'a', 2, 2, b'b', 0]);
        assert_eq!(datum.read(&bytes, 3).expect("read"), value);
        // The same datum reads again (nothing in it is used up by a read), here as a deep
        // value is read: on a stack of its own.
        assert_eq!(
            datum.read(&bytes, generic::SHALLOW + 1).expect("read"),
            value
        );
    }

    #[test]
    fn a_value_that_does_not_fit_and_truncated_bytes_are_errors() {
        let datum =
            AvroDatum::resolve(Schema::parse_str(SCHEMA).expect("schema")).expect("resolve");
        let wrong = AvroValue::Record(vec![("label".into(), AvroValue::Int(1))]);
        assert!(datum.write(&wrong, &mut Vec::new()).is_err());
        // No bytes for the first field's length; a length whose varint never ends.
        assert!(datum.read(&[], 1).is_err());
        assert!(datum.read(&[0x80], 1).is_err());
    }
}
