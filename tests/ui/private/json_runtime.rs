// The JSON helpers generated code calls are not part of the public `codec` module.
use streamhouse_schema::codec::json::with::encode_wide_long;
use streamhouse_schema::codec::json::JsonTemporalMillis;

fn main() {}
