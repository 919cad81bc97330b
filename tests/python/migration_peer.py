"""Confluent's Python client as the peer of our JSONata migrations.

Usage: migration_peer.py <registry-url> write <cases.json>
       migration_peer.py <registry-url> read <cases.json>

cases.json (written by streamhouse-schema/tests/jsonata_python_peer.rs) holds the subject,
topic, the v1 and v2 Avro schemas, the UPGRADE and DOWNGRADE JSONata expressions and, for
`read`, hex frames our producer wrote.

write: sets the subject's compatibility group to application.major.version, registers v1
       (major 1) and v2 (major 2, with the two JSONATA migration rules) with Confluent's
       SchemaRegistryClient on our server, then serializes the case's v1 records with
       AvroSerializer (use.latest.with.metadata major 1) and prints `FRAMES <json list of
       hex frames>`.
read:  deserializes each frame with AvroDeserializer (use.latest.with.metadata major 1),
       which runs the DOWNGRADE rule (serde.py `_get_migrations` / `_execute_migrations`),
       and prints `RECORDS <json list of dicts>`.
"""

import json
import sys

from confluent_kafka.schema_registry import Metadata, RuleSet, Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.rules.jsonata.jsonata_executor import JsonataExecutor
from confluent_kafka.schema_registry.schema_registry_client import ServerConfig
from confluent_kafka.serialization import MessageField, SerializationContext

GROUP = "application.major.version"


def main():
    url, mode, cases_path = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    JsonataExecutor.register()
    client = SchemaRegistryClient({"url": url})
    subject, topic = cases["subject"], cases["topic"]
    ctx = SerializationContext(topic, MessageField.VALUE)
    major1 = {GROUP: "1"}
    if mode == "write":
        client.set_config(subject_name=subject, config=ServerConfig(compatibility_group=GROUP))
        v1 = Schema(cases["v1"], "AVRO", metadata=Metadata.from_dict({"properties": major1}))
        client.register_schema(subject, v1)
        rules = RuleSet.from_dict(
            {
                "migrationRules": [
                    {"name": "size_to_height", "kind": "TRANSFORM", "mode": "UPGRADE",
                     "type": "JSONATA", "expr": cases["upgrade"]},
                    {"name": "height_to_size", "kind": "TRANSFORM", "mode": "DOWNGRADE",
                     "type": "JSONATA", "expr": cases["downgrade"]},
                ]
            }
        )
        v2 = Schema(cases["v2"], "AVRO", metadata=Metadata.from_dict({"properties": {GROUP: "2"}}),
                    rule_set=rules)
        client.register_schema(subject, v2)
        serializer = AvroSerializer(
            client, None, conf={"auto.register.schemas": False, "use.latest.with.metadata": major1}
        )
        frames = [serializer(record, ctx).hex() for record in cases["records"]]
        print("FRAMES " + json.dumps(frames))
    elif mode == "read":
        deserializer = AvroDeserializer(client, conf={"use.latest.with.metadata": major1})
        records = [deserializer(bytes.fromhex(frame), ctx) for frame in cases["frames"]]
        print("RECORDS " + json.dumps(records))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
