"""Confluent's Python Protobuf serde with its CEL and ENCRYPT rule executors as a peer of
our rule engine.

Usage: rules_peer_protobuf.py <registry-url> <input.json>

input.json (written by streamhouse-schema/tests/rules_protobuf_python_peer.rs) holds:
- "topic": the topic (its subject is "<topic>-value", whose latest version is a Protobuf
  schema with a rule set: CEL conditions, a CEL_FIELD transform and an ENCRYPT rule);
- "message": the full name of the message records use;
- "secret": the local KMS secret (`rule_conf={"secret": ...}`, as Confluent documents);
- "frames": frames our producer wrote (hex), each read here with `ProtobufDeserializer`
  (which runs the writer schema's READ rules);
- "records": dicts to write here with `ProtobufSerializer` (`use.latest.version`, which is
  when Python runs WRITE rules).

The message class is built from the registered schema itself (read back as a serialized
descriptor, with `confluent/meta.proto` resolved from confluent-kafka's own copy), so no
protoc run is needed. Prints one JSON object: {"decoded": [{"value": ...} | {"error": ...}],
"written": [{"frame_hex": ...} | {"error": ...}]}; rule failures are reported, not fatal.
"""

import base64
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf.message_factory import GetMessageClass

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.confluent import meta_pb2  # noqa: F401 - registers meta.proto
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.schema_registry.rules.cel.cel_executor import CelExecutor
from confluent_kafka.schema_registry.rules.cel.cel_field_executor import CelFieldExecutor
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import FieldEncryptionExecutor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver
from confluent_kafka.serialization import MessageField, SerializationContext


def error_text(error):
    """The error and its causes, outermost first."""
    parts = []
    while error is not None:
        parts.append(f"{type(error).__name__}: {error}")
        error = error.__cause__
    return " <- ".join(parts)


def message_class(client, subject, full_name):
    """The class of `full_name` in the latest schema of `subject`."""
    latest = client.get_latest_version(subject, fmt="serialized")
    file = descriptor_pb2.FileDescriptorProto()
    file.ParseFromString(base64.b64decode(latest.schema.schema_str))
    file.name = "peer_rules_protobuf.proto"
    pool = descriptor_pool.Default()
    pool.Add(file)
    return GetMessageClass(pool.FindMessageTypeByName(full_name))


def main():
    url, input_path = sys.argv[1], sys.argv[2]
    with open(input_path, encoding="utf-8") as f:
        data = json.load(f)
    CelExecutor.register()
    CelFieldExecutor.register()
    FieldEncryptionExecutor.register()
    LocalKmsDriver.register()
    client = SchemaRegistryClient({"url": url})
    ctx = SerializationContext(data["topic"], MessageField.VALUE)
    cls = message_class(client, f"{data['topic']}-value", data["message"])
    rule_conf = {"secret": data["secret"]}

    deserializer = ProtobufDeserializer(cls, {"use.deprecated.format": False}, client, rule_conf=rule_conf)
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
        {"auto.register.schemas": False, "use.latest.version": True, "use.deprecated.format": False},
        rule_conf=rule_conf,
    )
    written = []
    for record in data["records"]:
        try:
            written.append({"frame_hex": serializer(cls(**record), ctx).hex()})
        except Exception as e:  # noqa: BLE001 - reported to the Rust side
            written.append({"error": error_text(e)})

    print(json.dumps({"decoded": decoded, "written": written}))


if __name__ == "__main__":
    main()
