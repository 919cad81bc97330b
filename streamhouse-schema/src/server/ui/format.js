// Schemas as people read them: Avro and JSON Schema pretty-printed, Protobuf as written.

/** The schema type, Avro when the registry leaves it out (as Confluent does). */
export function schemaType(record) {
  return (record && record.schemaType) || 'AVRO';
}

/** `text` formatted for its type; unparsable JSON is shown as sent. */
export function formatSchema(text, type) {
  if (type === 'PROTOBUF') return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (_) {
    return text;
  }
}

/** A value pretty-printed as JSON. */
export function pretty(value) {
  return JSON.stringify(value, null, 2);
}
