// The Avro helpers generated code calls are not part of the public `codec` module.
use streamhouse_schema::codec::avro::resolve::{Source, Step};
use streamhouse_schema::codec::avro::varint::write_long;
use streamhouse_schema::codec::avro::with::encode_wide_long;
use streamhouse_schema::codec::avro::{DecimalCodec, TemporalUnitCodec, WideIntCodec};

fn main() {}
