#!/usr/bin/env python3
"""Schema references through Confluent's own Python client, against a streamhouse registry.

Usage: registry_peer_references.py URL

- Protobuf: ProtobufSerializer auto-registers peer_refs/invoice.proto, which imports
  peer_refs/money.proto (registered first as a reference, as base64 FileDescriptorProtos);
  ProtobufDeserializer reads the writer schema back with format=serialized, references included.
- Avro: a record whose field type is a named type from a referenced subject; compatibility
  checked through the reference.
Exits non-zero on the first failed check. The server must start empty.
"""

import base64
import importlib
import os
import sys
import tempfile
import traceback

from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2

HERE = os.path.dirname(os.path.abspath(__file__))

checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def load_invoice_module():
    from grpc_tools import protoc

    out = tempfile.mkdtemp(prefix="streamhouse_peer_refs_pb2_")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    result = protoc.main(
        [
            "protoc",
            f"-I{HERE}",
            f"-I{include}",
            f"--python_out={out}",
            "peer_refs/money.proto",
            "peer_refs/invoice.proto",
        ]
    )
    check(result == 0, "protoc generated the Python modules")
    sys.path.insert(0, out)
    return importlib.import_module("peer_refs.invoice_pb2")


def protobuf_with_import(client):
    pb2 = load_invoice_module()
    conf = {"use.deprecated.format": False}
    ctx = SerializationContext("peer-invoice", MessageField.VALUE)
    serializer = ProtobufSerializer(pb2.Invoice, client, conf)
    invoice = pb2.Invoice(id="inv-1")
    invoice.total.cents = 1999
    invoice.total.currency = "EUR"
    payload = serializer(invoice, ctx)
    check(payload[0] == 0 and payload[5] == 0, "framing with message index [0]")
    schema_id = int.from_bytes(payload[1:5], "big")

    check(
        sorted(client.get_subjects()) == ["peer-invoice-value", "peer_refs/money.proto"],
        "the import is registered under its import path, the message under topic-value",
    )
    latest = client.get_latest_version("peer-invoice-value")
    check(latest.schema_id == schema_id, "the framed id is the registered one")
    references = [(r.name, r.subject, r.version) for r in latest.schema.references]
    check(
        references == [("peer_refs/money.proto", "peer_refs/money.proto", 1)],
        f"the registered schema references the import: {references}",
    )
    text = client.get_schema(schema_id).schema_str
    check('import "peer_refs/money.proto";' in text, "stored as .proto text keeping the import")

    client.clear_caches()  # the client caches schemas by id whatever the format
    serialized = client.get_schema(schema_id, fmt="serialized")
    file = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(serialized.schema_str))
    check(list(file.dependency) == ["peer_refs/money.proto"], "the serialized file imports money")
    check([m.name for m in file.message_type] == ["Invoice"], "the serialized file has Invoice")
    check(file.message_type[0].field[1].type_name == ".streamhouse.peerref.Money", "total is Money")

    deserializer = ProtobufDeserializer(pb2.Invoice, conf, client)
    check(deserializer(payload, ctx) == invoice, "Protobuf round trip through an import")

    # A second serializer finds the same ids (lookups of the base64 forms).
    client.clear_caches()
    again = ProtobufSerializer(pb2.Invoice, client, conf)(invoice, ctx)
    check(again == payload, "serializing again gives the same bytes and id")
    check(client.get_versions("peer_refs/money.proto") == [1], "the import is registered once")


MONEY_V1 = (
    '{"type":"record","name":"Money","namespace":"peer",'
    '"fields":[{"name":"cents","type":"long"}]}'
)
MONEY_V2 = (
    '{"type":"record","name":"Money","namespace":"peer",'
    '"fields":[{"name":"cents","type":"string"}]}'
)
ORDER = (
    '{"type":"record","name":"Order","namespace":"peer",'
    '"fields":[{"name":"id","type":"string"},{"name":"total","type":"peer.Money"}]}'
)


def avro_with_reference(client):
    client.set_compatibility("peer-money", "NONE")
    client.register_schema("peer-money", Schema(MONEY_V1, "AVRO"))
    client.register_schema("peer-money", Schema(MONEY_V2, "AVRO"))
    v1_ref = [SchemaReference("peer.Money", "peer-money", 1)]
    v2_ref = [SchemaReference("peer.Money", "peer-money", 2)]
    order_id = client.register_schema("peer-order-value", Schema(ORDER, "AVRO", v1_ref))
    registered = client.get_schema(order_id)
    check(
        [(r.name, r.subject, r.version) for r in registered.references]
        == [("peer.Money", "peer-money", 1)],
        "the Avro schema keeps its reference",
    )
    check(
        client.test_compatibility("peer-order-value", Schema(ORDER, "AVRO", v2_ref)) is False,
        "a changed referenced type is incompatible",
    )
    try:
        client.register_schema("peer-order-value", Schema(ORDER, "AVRO", v2_ref))
    except SchemaRegistryError as error:
        check(error.http_status_code == 409, f"409, not {error.http_status_code}")
        check("cents" in str(error), "the 409 names the field inside the referenced type")
    else:
        raise AssertionError("an incompatible change through a reference was registered")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    url = sys.argv[1]
    client = SchemaRegistryClient({"url": url})
    try:
        protobuf_with_import(client)
        avro_with_reference(client)
    except Exception:  # noqa: BLE001 - report any failure and exit non-zero
        traceback.print_exc()
        print(f"registry_peer_references: FAILED after {checks} passing checks", file=sys.stderr)
        return 1
    print(f"registry_peer_references: {checks} checks passed against {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
