"""Confluent's Python Protobuf serde as the peer of our JSONata migrations on Protobuf.

Usage: migration_peer_protobuf.py <registry-url> <input.json>

input.json (written by streamhouse-schema/tests/jsonata_protobuf_migration.rs) holds:
- "topic": the topic (its subject "<topic>-value" holds v1 at application.major.version 1
  and v2 at major 2 with JSONATA UPGRADE/DOWNGRADE rules, registered by the Rust side);
- "message": the full name of the message;
- "frames": frames our producer wrote at major 2 (hex), each read here with
  `ProtobufDeserializer` at major 1 (`use.latest.with.metadata`), which runs the DOWNGRADE
  rule (`MessageToDict(msg, True)` → `_execute_migrations` → `ParseDict`);
- "records": v1 dicts to write here with `ProtobufSerializer` at major 1.

The v1 message class is built from the registered major-1 schema itself (read back as a
serialized descriptor), so no protoc run is needed. Prints one JSON object:
{"decoded": [{"value": ...} | {"error": ...}], "written": [{"frame_hex": ...} | {"error": ...}]}.
"""

import base64
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf.message_factory import GetMessageClass

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.confluent import meta_pb2  # noqa: F401 - registers meta.proto
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.schema_registry.rules.jsonata.jsonata_executor import JsonataExecutor
from confluent_kafka.serialization import MessageField, SerializationContext

GROUP = "application.major.version"


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
    JsonataExecutor.register()
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(data["topic"], MessageField.VALUE)
    subject = f"{data['topic']}-value"
    major1 = {GROUP: "1"}

    registered = client.get_latest_with_metadata(subject, major1, fmt="serialized")
    file = descriptor_pb2.FileDescriptorProto()
    file.ParseFromString(base64.b64decode(registered.schema.schema_str))
    file.name = "peer_migration_v1.proto"
    pool = descriptor_pool.Default()
    pool.Add(file)
    cls = GetMessageClass(pool.FindMessageTypeByName(data["message"]))

    deserializer = ProtobufDeserializer(
        cls, {"use.deprecated.format": False, "use.latest.with.metadata": major1}, client
    )
    decoded = []
    for frame_hex in data["frames"]:
        try:
            message = deserializer(bytes.fromhex(frame_hex), ctx)
            decoded.append({"value": json_format.MessageToDict(message, preserving_proto_field_name=True)})
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            decoded.append({"error": error_text(e)})

    serializer = ProtobufSerializer(
        cls,
        client,
        {"auto.register.schemas": False, "use.latest.with.metadata": major1, "use.deprecated.format": False},
    )
    written = []
    for record in data["records"]:
        try:
            written.append({"frame_hex": serializer(json_format.ParseDict(record, cls()), ctx).hex()})
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            written.append({"error": error_text(e)})

    print(json.dumps({"decoded": decoded, "written": written}))


if __name__ == "__main__":
    main()
