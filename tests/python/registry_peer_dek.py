#!/usr/bin/env python3
"""The DEK registry of a streamhouse registry with Confluent's own Python DekRegistryClient.

Usage: registry_peer_dek.py URL

Creates a KEK and DEKs through DekRegistryClient, reads them back equal through a second
client (no cache), and checks Confluent's error codes for a missing key and a duplicate.
Exits non-zero on the first failed check. The server must start empty.
"""

import sys
import traceback

from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.rules.encryption.dek_registry.dek_registry_client import (
    DekAlgorithm,
    DekRegistryClient,
)

CHECKS = 0


def check(condition, what):
    global CHECKS
    if not condition:
        raise AssertionError(what)
    CHECKS += 1


def error_code(call):
    try:
        call()
    except SchemaRegistryError as error:
        return error.http_status_code, error.error_code
    raise AssertionError("expected a registry error")


def run(url):
    writer = DekRegistryClient({"url": url})
    kek = writer.register_kek(
        "orders-kek", "aws-kms", "arn:aws:kms:us-east-1:111:key/abc",
        shared=False, kms_props={"region": "us-east-1"}, doc="orders",
    )
    check(kek.name == "orders-kek" and kek.kms_type == "aws-kms", f"kek {kek}")
    check(kek.kms_props.properties == {"region": "us-east-1"}, "kms props")
    check(kek.deleted is False and kek.ts is not None, "kek deleted/ts")

    reader = DekRegistryClient({"url": url})
    fetched = reader.get_kek("orders-kek")
    check((fetched.name, fetched.kms_key_id, fetched.doc, fetched.shared)
          == ("orders-kek", "arn:aws:kms:us-east-1:111:key/abc", "orders", False), f"{fetched}")
    check(error_code(lambda: reader.get_kek("missing")) == (404, 40470), "missing kek")
    again = DekRegistryClient({"url": url})
    check(
        error_code(lambda: again.register_kek("orders-kek", "aws-kms", "other")) == (409, 40971),
        "duplicate kek",
    )

    dek = writer.register_dek("orders-kek", "orders-value", "AAAAAAAA")
    check((dek.kek_name, dek.subject, dek.version, dek.algorithm)
          == ("orders-kek", "orders-value", 1, DekAlgorithm.AES256_GCM), f"dek {dek}")
    check(dek.encrypted_key_material == "AAAAAAAA", "material")
    second = writer.register_dek("orders-kek", "orders-value", "BBBBBBBB", version=2)
    check(second.version == 2, "second version")
    siv = writer.register_dek("orders-kek", "orders-value", "CCCCCCCC", algorithm=DekAlgorithm.AES256_SIV)
    check(siv.algorithm == DekAlgorithm.AES256_SIV, "siv algorithm")

    first = reader.get_dek("orders-kek", "orders-value")
    check((first.version, first.encrypted_key_material) == (1, "AAAAAAAA"), f"{first}")
    latest = reader.get_dek("orders-kek", "orders-value", version=-1)
    check((latest.version, latest.encrypted_key_material) == (2, "BBBBBBBB"), f"latest {latest}")
    fetched_siv = reader.get_dek("orders-kek", "orders-value", algorithm=DekAlgorithm.AES256_SIV)
    check(fetched_siv.encrypted_key_material == "CCCCCCCC", "siv read back")
    check(
        error_code(lambda: reader.get_dek("orders-kek", "orders-value", version=3)) == (404, 40470),
        "missing dek version",
    )


def main():
    try:
        run(sys.argv[1])
    except Exception:
        traceback.print_exc()
        return 1
    print(f"{CHECKS} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
