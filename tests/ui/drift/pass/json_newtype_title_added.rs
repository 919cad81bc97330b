// A JSON Schema pin of a newtype over a map, pinned before newtypes carried a `title`:
// the schema now has `"title": "Prices"`, an annotation that constrains nothing (as
// Confluent's SchemaDiff judges TITLE_CHANGED: compatible), so the pin still passes.
use std::collections::HashMap;

use streamhouse_schema::StreamSchema;

#[derive(StreamSchema)]
#[stream_schema(pin = "json_newtype_title_added.json")]
struct Prices(HashMap<String, f64>);

fn main() {}
