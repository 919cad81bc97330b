"""Confluent's Python serde with its CEL rule executors as a peer of our rule engine.

Usage: rules_peer.py <registry-url> <input.json>

input.json (written by streamhouse-schema/tests/rules_python_peer.rs) holds:
- "topic": the topic (its subject is "<topic>-value", whose latest version carries the
  rule set: a CEL condition and a CEL_FIELD masking transform on WRITE, a CEL condition and
  a CEL_FIELD transform on READ);
- "frames": Avro frames our producer wrote (hex), each decoded here with `AvroDeserializer`
  (which runs the writer schema's READ rules);
- "records": dicts to serialize here with `AvroSerializer` (`use.latest.version`, which is
  when Python runs WRITE rules).

Prints one JSON object on stdout: {"decoded": [{"value": ...} | {"error": ...}],
"written": [{"frame_hex": ...} | {"error": ...}]}. Errors are the rule failures the serde
raised (SerializationError), reported, not fatal: the Rust side asserts on them.
"""

import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.rules.cel.cel_executor import CelExecutor
from confluent_kafka.schema_registry.rules.cel.cel_field_executor import CelFieldExecutor
from confluent_kafka.serialization import MessageField, SerializationContext


def error_text(error):
    """The error and its causes, outermost first."""
    parts = []
    while error is not None:
        parts.append(f"{type(error).__name__}: {error}")
        error = error.__cause__
    return " <- ".join(parts)


def main():
    url, input_path = sys.argv[1], sys.argv[2]
    with open(input_path, encoding="utf-8") as f:
        data = json.load(f)
    CelExecutor.register()
    CelFieldExecutor.register()
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(data["topic"], MessageField.VALUE)

    deserializer = AvroDeserializer(client)
    decoded = []
    for frame_hex in data["frames"]:
        try:
            decoded.append({"value": deserializer(bytes.fromhex(frame_hex), ctx)})
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            decoded.append({"error": error_text(e)})

    serializer = AvroSerializer(
        client,
        schema_str=None,
        conf={"auto.register.schemas": False, "use.latest.version": True},
    )
    written = []
    for record in data["records"]:
        try:
            written.append({"frame_hex": serializer(record, ctx).hex()})
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            written.append({"error": error_text(e)})

    print(json.dumps({"decoded": decoded, "written": written}))


if __name__ == "__main__":
    main()
