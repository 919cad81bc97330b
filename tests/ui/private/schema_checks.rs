// The compile-time name checks generated code runs are not part of the public `schema` module.
use streamhouse_schema::schema::{names_clash, schemas_or_panic, StaticName};

fn main() {}
