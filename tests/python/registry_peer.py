#!/usr/bin/env python3
"""Drives a streamhouse registry with Confluent's own Python client as a peer.

Usage: registry_peer.py URL

Uses confluent_kafka.schema_registry.SchemaRegistryClient for register, lookup, get by id,
versions, compatibility, config, mode and deletes, and round-trips Avro, JSON Schema and
Protobuf records through Confluent's serializers and deserializers against the server.
Exits non-zero on the first failed check. The server must start empty.
"""

import importlib
import os
import struct
import subprocess
import sys
import tempfile
import traceback

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

HERE = os.path.dirname(os.path.abspath(__file__))

ORDER_V1 = (
    '{"type":"record","name":"Order","namespace":"peer",'
    '"fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"}]}'
)
# Backward compatible: a new field with a default.
ORDER_V2 = (
    '{"type":"record","name":"Order","namespace":"peer",'
    '"fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},'
    '{"name":"note","type":"string","default":""}]}'
)
# Not backward compatible: a new field without a default.
ORDER_BAD = (
    '{"type":"record","name":"Order","namespace":"peer",'
    '"fields":[{"name":"id","type":"string"},{"name":"qty","type":"int"},'
    '{"name":"owner","type":"string"}]}'
)

EVENT_JSON_SCHEMA = """{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Event",
  "type": "object",
  "properties": {
    "name": {"type": "string"},
    "count": {"type": "integer"},
    "tags": {"type": "array", "items": {"type": "string"}}
  },
  "required": ["name", "count"]
}"""

checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def expect_error(call, status, code, what):
    try:
        call()
    except SchemaRegistryError as error:
        check(error.http_status_code == status, f"{what}: HTTP {error.http_status_code} != {status}")
        check(error.error_code == code, f"{what}: error_code {error.error_code} != {code}")
        return error
    raise AssertionError(f"{what}: expected error {code}, got success")


def registry_api(client):
    check(client.get_subjects() == [], "a fresh registry has no subjects")
    check(sorted(client.get_schema_types()) == ["AVRO", "JSON", "PROTOBUF"], "schema types")

    subject = "peer-api-value"
    schema_id = client.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    check(isinstance(schema_id, int) and schema_id > 0, "register returns an id")
    again = client.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    check(again == schema_id, "registering the same schema returns the same id")

    client.clear_caches()
    registered = client.lookup_schema(subject, Schema(ORDER_V1, "AVRO"))
    check(registered.schema_id == schema_id, "lookup finds the id")
    check(registered.version == 1, "lookup finds version 1")
    check(registered.subject == subject, "lookup names the subject")

    fetched = client.get_schema(schema_id)
    check(fetched.schema_str == ORDER_V1, "get_schema returns the text")
    check(fetched.schema_type == "AVRO", "get_schema defaults to AVRO")

    check(client.get_versions(subject) == [1], "versions after one registration")
    check(client.test_compatibility(subject, Schema(ORDER_V2, "AVRO")) is True, "v2 is compatible")
    check(client.test_compatibility(subject, Schema(ORDER_BAD, "AVRO")) is False, "bad is incompatible")
    check(
        client.test_compatibility_all_versions(subject, Schema(ORDER_V2, "AVRO")) is True,
        "v2 compatible with all versions",
    )
    error = expect_error(
        lambda: client.register_schema(subject, Schema(ORDER_BAD, "AVRO")),
        409,
        409,
        "registering an incompatible schema",
    )
    check("owner" in str(error), "the 409 names the offending field")

    v2_id = client.register_schema(subject, Schema(ORDER_V2, "AVRO"))
    check(v2_id != schema_id, "a new schema gets a new id")
    latest = client.get_latest_version(subject)
    check(latest.version == 2 and latest.schema_id == v2_id, "latest is version 2")
    check(latest.schema.schema_str == ORDER_V2, "latest has v2's text")
    first = client.get_version(subject, 1)
    check(first.schema_id == schema_id and first.schema.schema_str == ORDER_V1, "version 1")
    versions = client.get_schema_versions(schema_id)
    check([(v.subject, v.version) for v in versions] == [(subject, 1)], "versions of the id")
    check(client.get_subjects_by_schema_id(v2_id) == [subject], "subjects of the id")

    expect_error(lambda: client.get_version(subject, 9), 404, 40402, "a missing version")
    expect_error(lambda: client.get_schema(987654), 404, 40403, "a missing id")
    expect_error(lambda: client.get_versions("no-such-subject"), 404, 40401, "a missing subject")
    client.clear_caches()
    expect_error(
        lambda: client.lookup_schema(subject, Schema(ORDER_BAD, "AVRO")),
        404,
        40403,
        "looking up an unregistered schema",
    )

    # Config: GET answers compatibilityLevel, PUT takes and answers compatibility.
    check(client.get_compatibility() == "BACKWARD", "the global default level")
    check(client.set_compatibility(subject, "FULL") == {"compatibility": "FULL"}, "set subject level")
    check(client.get_compatibility(subject) == "FULL", "read back the subject level")
    check(client.get_config(subject).compatibility_level.value == "FULL", "get_config")
    expect_error(
        lambda: client.set_compatibility(subject, "SIDEWAYS"), 422, 42203, "an unknown level"
    )
    deleted_config = client.delete_config(subject)
    check(deleted_config.compatibility_level.value == "FULL", "delete_config returns the old level")

    # Mode: READONLY rejects writes with 42205.
    check(client.get_global_mode() == "READWRITE", "default mode")
    check(client.update_global_mode("READONLY") == "READONLY", "switch to READONLY")
    client.clear_caches()
    expect_error(
        lambda: client.register_schema("peer-readonly-value", Schema('"string"', "AVRO")),
        422,
        42205,
        "a write in READONLY mode",
    )
    check(client.update_global_mode("READWRITE") == "READWRITE", "back to READWRITE")

    # Deletes: permanent only after soft.
    expect_error(
        lambda: client.delete_version(subject, 1, permanent=True), 404, 40407, "hard before soft (version)"
    )
    check(client.delete_version(subject, 1) == 1, "soft delete of version 1")
    check(client.get_versions(subject) == [2], "version 1 is hidden")
    check(client.get_schema(schema_id).schema_str == ORDER_V1, "a soft-deleted id still resolves")
    check(client.delete_version(subject, 1, permanent=True) == 1, "hard delete of version 1")
    expect_error(
        lambda: client.delete_subject(subject, permanent=True), 404, 40405, "hard before soft (subject)"
    )
    check(client.delete_subject(subject) == [2], "soft delete of the subject")
    check(subject not in client.get_subjects(), "the subject is hidden")
    check(client.delete_subject(subject, permanent=True) == [2], "hard delete of the subject")
    client.clear_caches()
    expect_error(lambda: client.get_schema(v2_id), 404, 40403, "a hard-deleted id is gone")


def framing(payload):
    check(len(payload) > 5 and payload[0] == 0, "Confluent framing: magic byte 0")
    return struct.unpack(">I", payload[1:5])[0]


def avro_round_trip(client, url):
    serializer = AvroSerializer(client, ORDER_V2)
    deserializer = AvroDeserializer(client)
    ctx = SerializationContext("peer-avro", MessageField.VALUE)
    record = {"id": "o-1", "qty": 3, "note": "fragile"}
    payload = serializer(record, ctx)
    schema_id = framing(payload)
    check(client.get_schema(schema_id).schema_str == ORDER_V2, "the framed id names our schema")
    check(client.get_subjects().count("peer-avro-value") == 1, "auto-registered under topic-value")
    check(deserializer(payload, ctx) == record, "Avro round trip")
    # A second serializer instance finds the same id (server-side idempotence).
    again = AvroSerializer(SchemaRegistryClient({"url": url}), ORDER_V2)
    check(framing(again(record, ctx)) == schema_id, "the same schema maps to the same id")


def json_round_trip(client):
    serializer = JSONSerializer(EVENT_JSON_SCHEMA, client)
    deserializer = JSONDeserializer(EVENT_JSON_SCHEMA, schema_registry_client=client)
    ctx = SerializationContext("peer-json", MessageField.VALUE)
    event = {"name": "clicked", "count": 2, "tags": ["a", "b"]}
    payload = serializer(event, ctx)
    schema_id = framing(payload)
    registered = client.get_schema(schema_id)
    check(registered.schema_type == "JSON", "JSON schemas carry schemaType JSON")
    check(deserializer(payload, ctx) == event, "JSON round trip")
    try:
        serializer({"name": "missing count"}, ctx)
    except Exception:  # noqa: BLE001 - the client raises SerializationError
        check(True, "an invalid JSON record is refused")
    else:
        raise AssertionError("an invalid JSON record was serialized")


def load_proto_module():
    from grpc_tools import protoc

    out = tempfile.mkdtemp(prefix="streamhouse_peer_pb2_")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    result = protoc.main(
        ["protoc", f"-I{HERE}", f"-I{include}", f"--python_out={out}", "registry_peer_order.proto"]
    )
    check(result == 0, "protoc generated the Python module")
    sys.path.insert(0, out)
    return importlib.import_module("registry_peer_order_pb2")


def protobuf_round_trip(client):
    pb2 = load_proto_module()
    conf = {"use.deprecated.format": False}
    ctx = SerializationContext("peer-proto", MessageField.VALUE)
    serializer = ProtobufSerializer(pb2.Order, client, conf)
    deserializer = ProtobufDeserializer(pb2.Order, conf, client)
    order = pb2.Order(id="o-9", quantity=-4, tags=["x", "y"])
    order.line.sku = "SKU-1"
    order.line.price = 9.5
    order.placed_at.seconds = 1_700_000_000
    payload = serializer(order, ctx)
    schema_id = framing(payload)
    check(payload[5] == 0, "message index [0] is written as a single 0 byte")
    registered = client.get_latest_version("peer-proto-value")
    check(registered.schema_id == schema_id, "the Protobuf schema is registered under topic-value")
    check(registered.schema.schema_type == "PROTOBUF", "schemaType PROTOBUF")
    check("message Order" in client.get_schema(schema_id).schema_str, "stored as .proto text")
    check(deserializer(payload, ctx) == order, "Protobuf round trip (Order)")

    refund_ctx = SerializationContext("peer-refund", MessageField.VALUE)
    refund = pb2.Refund(order_id="o-9", cents=-250)
    refund_payload = ProtobufSerializer(pb2.Refund, client, conf)(refund, refund_ctx)
    framing(refund_payload)
    check(refund_payload[5:7] == b"\x02\x02", "message index [1] is written zigzag: 02 02")
    refund_back = ProtobufDeserializer(pb2.Refund, conf, client)(refund_payload, refund_ctx)
    check(refund_back == refund, "Protobuf round trip (Refund, second message)")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    url = sys.argv[1]
    client = SchemaRegistryClient({"url": url})
    try:
        registry_api(client)
        avro_round_trip(client, url)
        json_round_trip(client)
        protobuf_round_trip(client)
    except Exception:  # noqa: BLE001 - report any failure and exit non-zero
        traceback.print_exc()
        print(f"registry_peer: FAILED after {checks} passing checks", file=sys.stderr)
        return 1
    print(f"registry_peer: {checks} checks passed against {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
