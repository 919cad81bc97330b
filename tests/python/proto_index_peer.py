"""Confluent's Python ProtobufSerializer as a producer of frames naming nested messages.

Usage: proto_index_peer.py <registry-url> <out.json>

Compiles proto_index_peer.proto with grpcio-tools' protoc, then serializes, against our
registry at <registry-url>, one message of each kind below with confluent-kafka's
`ProtobufSerializer` (which registers the whole file under `<topic>-value` and writes the
message's index path as `_create_index_array` computes it). Writes the frames, hex-encoded,
to <out.json> as {"name": hex}; streamhouse-schema/tests/consumer_proto_indexes.rs reads them
with our typed consumer.
"""

import importlib
import json
import os
import sys
import tempfile

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

HERE = os.path.dirname(os.path.abspath(__file__))


def load_module():
    from grpc_tools import protoc

    out = tempfile.mkdtemp(prefix="streamhouse_proto_index_peer_")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    result = protoc.main(
        ["protoc", f"-I{HERE}", f"-I{include}", f"--python_out={out}", "proto_index_peer.proto"]
    )
    if result != 0:
        raise SystemExit(f"protoc failed with {result}")
    sys.path.insert(0, out)
    return importlib.import_module("proto_index_peer_pb2")


def main():
    url, out_path = sys.argv[1], sys.argv[2]
    pb2 = load_module()
    client = SchemaRegistryClient({"url": url})
    conf = {"use.deprecated.format": False}
    messages = {
        "order": pb2.Order(
            id="o-1",
            totals={"eur": 1250},
            header=pb2.Order.Header(source="web"),
            lines=[pb2.Order.Line(sku="TEA-01", qty=2)],
            note=pb2.Order.Note(text="fragile"),
        ),
        "header": pb2.Order.Header(source="app"),
        "line": pb2.Order.Line(sku="MUG-07", qty=-3),
        "note": pb2.Order.Note(text="leave at the door"),
        "refund": pb2.Refund(order_id="o-9", cents=-250),
    }
    frames = {}
    for name, message in messages.items():
        serializer = ProtobufSerializer(type(message), client, conf)
        ctx = SerializationContext("proto-index", MessageField.VALUE)
        frames[name] = serializer(message, ctx).hex()
        print(f"serialized {name}: {frames[name]}")
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(frames, f)


if __name__ == "__main__":
    main()
