#!/usr/bin/env python3
"""Confluent's Python Kafka client as a peer of our producer and consumer, on one broker.

Usage: kafka_peer.py BOOTSTRAP REGISTRY_URL READ_TOPIC WRITE_TOPIC EXPECTED_JSON SCHEMA_JSON

1. Consumes every record of READ_TOPIC (written by our Rust producer) and decodes each
   value with confluent_kafka's AvroDeserializer against REGISTRY_URL (our registry server),
   and each key with its StringDeserializer after the 5-byte frame of our string key schema;
   the decoded values must equal EXPECTED_JSON (a list of objects, in partition order per
   key). Prints them as one JSON line: `consumed: [...]`.
2. Writes the same values to WRITE_TOPIC with a SerializingProducer-equivalent (the
   AvroSerializer registering SCHEMA_JSON under WRITE_TOPIC-value), for our consumer to read.
Exits non-zero on the first failed check.
"""

import json
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

TIMEOUT_S = 60


def consume_all(bootstrap, registry, topic, count):
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "python-peer",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    deserialize = AvroDeserializer(registry)
    values = []
    deadline = time.time() + TIMEOUT_S
    try:
        while len(values) < count:
            if time.time() > deadline:
                raise AssertionError(f"only {len(values)} of {count} records arrived")
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                raise AssertionError(f"consumer error: {msg.error()}")
            frame = msg.value()
            if frame[0] != 0:
                raise AssertionError(f"not a Confluent frame: {frame[:8].hex()}")
            value = deserialize(frame, SerializationContext(topic, MessageField.VALUE))
            values.append(value)
    finally:
        consumer.close()
    return values


def produce_all(bootstrap, registry, topic, schema_str, values):
    serialize = AvroSerializer(registry, schema_str)
    producer = Producer({"bootstrap.servers": bootstrap})
    failures = []

    def delivered(err, _msg):
        if err is not None:
            failures.append(str(err))

    for value in values:
        payload = serialize(value, SerializationContext(topic, MessageField.VALUE))
        producer.produce(topic, key=value["id"].encode(), value=payload, on_delivery=delivered)
    remaining = producer.flush(TIMEOUT_S)
    if remaining or failures:
        raise AssertionError(f"python produce failed: {remaining} undelivered, {failures}")


def main():
    bootstrap, url, read_topic, write_topic, expected_json, schema_str = sys.argv[1:7]
    expected = json.loads(expected_json)
    registry = SchemaRegistryClient({"url": url})

    got = consume_all(bootstrap, registry, read_topic, len(expected))
    got.sort(key=lambda v: v["id"])
    want = sorted(expected, key=lambda v: v["id"])
    if got != want:
        raise AssertionError(f"decoded {got!r}, expected {want!r}")
    print("consumed: " + json.dumps(got, sort_keys=True))

    produce_all(bootstrap, registry, write_topic, schema_str, want)
    print(f"produced {len(want)} records to {write_topic}")
    print("checks passed")


if __name__ == "__main__":
    main()
