#!/usr/bin/env python3
"""Confluent's AvroSerializer / AvroDeserializer with an ENCRYPT rule, against our registry.

Usage:
  encryption_peer_avro.py URL register SUBJECT < {"schema": str, "rules": [rule dicts]}
      registers the schema with its rule set; prints {"id": n}
  encryption_peer_avro.py URL produce TOPIC SECRET < {record}
      serializes the record with the latest schema of TOPIC-value (ENCRYPT and other WRITE
      rules run); prints {"frame": base64}
  encryption_peer_avro.py URL consume TOPIC SECRET < {"frame": base64}
      deserializes the frame (READ rules run); prints {"record": dict} or {"error": str}

The local-kms secret goes in as the rule config (`rule_conf={"secret": ...}`), as
Confluent's docs show for the local KMS.
"""

import base64
import json
import sys

from confluent_kafka.schema_registry import RuleSet, Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import FieldEncryptionExecutor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver
from confluent_kafka.serialization import MessageField, SerializationContext


def main():
    url, action = sys.argv[1], sys.argv[2]
    request = json.load(sys.stdin)
    FieldEncryptionExecutor.register()
    LocalKmsDriver.register()
    client = SchemaRegistryClient({"url": url})
    if action == "register":
        schema = Schema(request["schema"], "AVRO", rule_set=RuleSet.from_dict({"domainRules": request["rules"]}))
        print(json.dumps({"id": client.register_schema(sys.argv[3], schema)}))
        return
    topic, secret = sys.argv[3], sys.argv[4]
    ctx = SerializationContext(topic, MessageField.VALUE)
    if action == "produce":
        serializer = AvroSerializer(
            client,
            conf={"auto.register.schemas": False, "use.latest.version": True},
            rule_conf={"secret": secret},
        )
        frame = serializer(request, ctx)
        print(json.dumps({"frame": base64.b64encode(frame).decode("ascii")}))
    elif action == "consume":
        deserializer = AvroDeserializer(client, rule_conf={"secret": secret})
        try:
            record = deserializer(base64.b64decode(request["frame"]), ctx)
        except Exception as error:
            print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
            return
        print(json.dumps({"record": record}))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main()
