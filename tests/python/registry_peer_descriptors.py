#!/usr/bin/env python3
"""Protobuf schemas registered as serialized descriptors, as Confluent's Python client does.

Usage: registry_peer_descriptors.py URL

confluent-kafka's ProtobufSerializer registers `base64(FileDescriptorProto)`, not `.proto`
text. Against our server this checks what Confluent's registry guarantees for such a schema:
the id is stable (registering again, as text or as a descriptor, or under another subject,
gives the same id), lookup finds it whether sent as text or as a descriptor, the text the
server returns compiles and holds the map fields as `map<K, V>`, `?format=serialized`
returns the sent descriptor (but for its file name, "default" as Confluent's registry has it),
and records with map fields round-trip through the serializer and deserializer, for the
root message and for a nested message named by its index path (map-entry slots counted).
Exits non-zero on the first failed check. The server must start empty.
"""

import base64
import importlib
import os
import struct
import sys
import tempfile
import traceback

from google.protobuf import descriptor_pb2

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = "registry_peer_descriptors.proto"

checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def load_module():
    from grpc_tools import protoc

    out = tempfile.mkdtemp(prefix="streamhouse_peer_desc_")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    result = protoc.main(["protoc", f"-I{HERE}", f"-I{include}", f"--python_out={out}", PROTO])
    check(result == 0, "protoc generated the Python module")
    sys.path.insert(0, out)
    return importlib.import_module("registry_peer_descriptors_pb2"), include


def framing(payload):
    check(len(payload) > 5 and payload[0] == 0, "Confluent framing: magic byte 0")
    return struct.unpack(">I", payload[1:5])[0]


def descriptor(b64):
    file = descriptor_pb2.FileDescriptorProto()
    file.ParseFromString(base64.standard_b64decode(b64))
    return file


def without_name(file):
    copy = descriptor_pb2.FileDescriptorProto()
    copy.CopyFrom(file)
    copy.ClearField("name")
    return copy


def without_json_names(file):
    """protoc's --descriptor_set_out fills in every json_name; generated code has none."""
    copy = without_name(file)

    def clear(message):
        for field in message.field:
            field.ClearField("json_name")
        for nested in message.nested_type:
            clear(nested)

    for message in copy.message_type:
        clear(message)
    return copy


def compiles(text, include):
    """protoc compiles the server's text on its own (imports from protoc's include path)."""
    from grpc_tools import protoc

    folder = tempfile.mkdtemp(prefix="streamhouse_peer_text_")
    with open(os.path.join(folder, "stored.proto"), "w") as f:
        f.write(text)
    out = os.path.join(folder, "set.pb")
    result = protoc.main(
        ["protoc", f"-I{folder}", f"-I{include}", f"--descriptor_set_out={out}", "stored.proto"]
    )
    check(result == 0, "protoc compiles the stored text:\n" + text)
    files = descriptor_pb2.FileDescriptorSet()
    with open(out, "rb") as f:
        files.ParseFromString(f.read())
    return files.file[0]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    url = sys.argv[1]
    try:
        run(url)
    except Exception:  # noqa: BLE001 - report any failure and exit non-zero
        traceback.print_exc()
        print(f"registry_peer_descriptors: FAILED after {checks} passing checks", file=sys.stderr)
        return 1
    print(f"registry_peer_descriptors: {checks} checks passed against {url}")
    return 0


def run(url):
    pb2, include = load_module()
    client = SchemaRegistryClient({"url": url})
    conf = {"use.deprecated.format": False}
    subject = "peer-maps-value"
    ctx = SerializationContext("peer-maps", MessageField.VALUE)

    inventory = pb2.Inventory(store_id="s-1", note="count again", scanner="gun-7")
    inventory.counts["apples"] = 12
    inventory.counts["pears"] = -3
    inventory.items[7].name = "crate"
    inventory.items[7].price = 4.25
    inventory.items[7].grade = pb2.Inventory.GRADE_A
    inventory.items[-2].name = "box"
    inventory.bins["north"].label = "N-1"
    inventory.taken_at.seconds = 1_700_000_000

    # The serializer registers the file as base64(FileDescriptorProto).
    sent_b64 = base64.standard_b64encode(pb2.DESCRIPTOR.serialized_pb).decode("ascii")
    sent = descriptor(sent_b64)
    check([t.name for t in sent.message_type[0].nested_type]
          == ["Bin", "CountsEntry", "ItemsEntry", "BinsEntry", "Item"],
          "protoc's nested types: map entries where their fields are declared")
    payload = ProtobufSerializer(pb2.Inventory, client, conf)(inventory, ctx)
    schema_id = framing(payload)
    check(payload[5] == 0, "the root message's index path [0] is one 0 byte")
    back = ProtobufDeserializer(pb2.Inventory, conf, client)(payload, ctx)
    check(back == inventory, "an Inventory with map fields round-trips")
    check(dict(back.counts) == {"apples": 12, "pears": -3}, "map<string, int64> read back")
    check(back.items[7].grade == pb2.Inventory.GRADE_A, "map<int32, Item> read back")

    # ?format=serialized: the descriptor that was sent, but for the file name: Confluent's
    # registry stores text, which has no name, and names the file it serves "default".
    client.clear_caches()
    served = client.get_schema(schema_id, fmt="serialized")
    check(served.schema_type == "PROTOBUF", "schemaType PROTOBUF")
    served_file = descriptor(served.schema_str)
    check(served_file.name == "default", "the served file is named as Confluent names it")
    check(without_name(served_file) == without_name(sent),
          "?format=serialized gives the sent descriptor:\n" + str(served_file))
    version = client.get_latest_version(subject, fmt="serialized")
    check(without_name(descriptor(version.schema.schema_str)) == without_name(sent),
          "the subject's version ?format=serialized gives the sent descriptor")

    # The stored text: .proto that protoc compiles to the same messages, maps as map<K, V>.
    # (The client caches schemas by id whatever the format: ask again from a clean cache.)
    client.clear_caches()
    text = client.get_schema(schema_id).schema_str
    check("map<string, int64> counts = 2;" in text, "the text declares map<string, int64>:\n" + text)
    check("map<int32, .streamhouse.peer.maps.Inventory.Item> items = 3;" in text,
          "the text declares map<int32, Item>:\n" + text)
    check("Entry" not in text, "no synthetic entry message in the text:\n" + text)
    compiled = compiles(text, include)
    check(without_json_names(compiled) == without_name(sent), "the text compiles to the sent descriptor")

    # The id is stable: the same schema as a descriptor or as text, here or under another
    # subject, is the same id; lookups find it either way.
    client.clear_caches()
    check(client.register_schema(subject, Schema(sent_b64, "PROTOBUF")) == schema_id,
          "registering the descriptor again gives the same id")
    check(client.register_schema(subject, Schema(text, "PROTOBUF")) == schema_id,
          "registering the stored text gives the same id")
    check(client.get_versions(subject) == [1], "still one version")
    found = client.lookup_schema(subject, Schema(sent_b64, "PROTOBUF"))
    check((found.schema_id, found.version) == (schema_id, 1), "lookup by descriptor")
    client.clear_caches()
    found = client.lookup_schema(subject, Schema(text, "PROTOBUF"))
    check((found.schema_id, found.version) == (schema_id, 1), "lookup by text")
    check(client.register_schema("peer-maps-copy-value", Schema(text, "PROTOBUF")) == schema_id,
          "the text under another subject is the same id")

    # A nested message after map entries: its index path counts the entry slots ([0, 4]),
    # and the deserializer finds it in the served descriptor.
    item_ctx = SerializationContext("peer-maps-item", MessageField.VALUE)
    item = pb2.Inventory.Item(name="tray", price=1.5, grade=pb2.Inventory.GRADE_A)
    item_payload = ProtobufSerializer(pb2.Inventory.Item, client, conf)(item, item_ctx)
    check(framing(item_payload) == schema_id, "the nested message is framed with the file's id")
    check(item_payload[5:8] == b"\x04\x00\x08", "index path [0, 4] written zigzag: 04 00 08")
    client.clear_caches()
    item_back = ProtobufDeserializer(pb2.Inventory.Item, conf, client)(item_payload, item_ctx)
    check(item_back == item, "the nested message round-trips by its index path")


if __name__ == "__main__":
    sys.exit(main())
