"""Reads a Protobuf schema from our registry the way Confluent's ProtobufDeserializer does
(`get_schema(id, fmt='serialized')`, then `_str_to_proto`) and prints the inline field tags
it finds in `(confluent.field_meta)`, one `message.field=TAG,TAG` line per tagged field.

Usage: derive_tags_peer.py REGISTRY_URL SCHEMA_ID
"""
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.common.protobuf import _str_to_proto
from confluent_kafka.schema_registry.confluent import meta_pb2


def main():
    url, schema_id = sys.argv[1], int(sys.argv[2])
    client = SchemaRegistryClient({"url": url})
    schema = client.get_schema(schema_id, fmt="serialized")
    file = _str_to_proto("order.proto", schema.schema_str)
    for message in file.message_type:
        for field in message.field:
            if field.options.HasExtension(meta_pb2.field_meta):
                tags = field.options.Extensions[meta_pb2.field_meta].tags
                print(f"{message.name}.{field.name}={','.join(tags)}")
    print("checks passed")


if __name__ == "__main__":
    main()
