#!/usr/bin/env python3
"""Data contracts against a streamhouse registry with Confluent's own Python client.

Usage: registry_peer_contracts.py URL

SchemaRegistryClient registers schemas with metadata and rule sets and reads them back
equal (by version, latest, id and lookup), finds them with get_latest_with_metadata, sets
configs with a compatibility group and with default/override metadata and rules, and sees
them merged into registrations. Exits non-zero on the first failed check. The server must
start empty.
"""

import sys
import traceback

from confluent_kafka.schema_registry import (
    Metadata,
    MetadataProperties,
    MetadataTags,
    Rule,
    RuleKind,
    RuleMode,
    RuleParams,
    RuleSet,
    Schema,
    SchemaRegistryClient,
    ServerConfig,
)
from confluent_kafka.schema_registry.error import SchemaRegistryError

ORDER = (
    '{"type":"record","name":"Order","namespace":"peer",'
    '"fields":[{"name":"id","type":"string"},{"name":"ssn","type":"string"}]}'
)
# Incompatible with ORDER under BACKWARD: `id` changes type.
ORDER_MAJOR_2 = (
    '{"type":"record","name":"Order","namespace":"peer",'
    '"fields":[{"name":"id","type":"long"}]}'
)
# Incompatible with ORDER_MAJOR_2: a new field without a default.
ORDER_MAJOR_2_BREAKING = (
    '{"type":"record","name":"Order","namespace":"peer",'
    '"fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}'
)
MAJOR = "application.major.version"

CHECKS = 0


def check(condition, what):
    global CHECKS
    if not condition:
        raise AssertionError(what)
    CHECKS += 1


def metadata(owner, major):
    # Lists sorted as the registry keeps them (Confluent sorts tags and sensitive names).
    return Metadata(
        tags=MetadataTags({"Order.ssn": ["PII", "PRIVATE"]}),
        properties=MetadataProperties({"owner": owner, MAJOR: major}),
        sensitive=["secret"],
    )


def rule(name, kind, mode, rule_type, expr=None, params=None, on_failure=None):
    # Every field as the registry answers it (Confluent writes `disabled` always).
    return Rule(
        name=name,
        doc=None,
        kind=kind,
        mode=mode,
        type=rule_type,
        tags=[],
        params=RuleParams(params or {}),
        expr=expr,
        on_success=None,
        on_failure=on_failure,
        disabled=False,
    )


def rules():
    return RuleSet(
        migration_rules=[
            rule("upgrade", RuleKind.TRANSFORM, RuleMode.UPGRADE, "JSONATA", "$", {"a": "1"})
        ],
        domain_rules=[
            rule(
                "checkSsn",
                RuleKind.CONDITION,
                RuleMode.WRITE,
                "CEL",
                "size(message.ssn) == 9",
                on_failure="ERROR",
            )
        ],
        encoding_rules=[],
    )


def same_metadata(a, b):
    return (
        a is not None
        and b is not None
        and a.properties.properties == b.properties.properties
        and a.tags.tags == b.tags.tags
        and list(a.sensitive) == list(b.sensitive)
    )


def same_rules(a, b):
    def flat(rule_set):
        return [
            (phase, r.name, r.kind, r.mode, r.type, r.expr, (r.params.params if r.params else {}),
             r.on_failure, bool(r.disabled))
            for phase, rs in (
                ("migration", rule_set.migration_rules or []),
                ("domain", rule_set.domain_rules or []),
                ("encoding", rule_set.encoding_rules or []),
            )
            for r in rs
        ]

    return a is not None and b is not None and flat(a) == flat(b)


def error_code(call):
    try:
        call()
    except SchemaRegistryError as error:
        return error.http_status_code, error.error_code
    raise AssertionError("expected a registry error")


def round_trip(url):
    writer = SchemaRegistryClient({"url": url})
    reader = SchemaRegistryClient({"url": url})
    subject = "contracts-value"
    first = Schema(ORDER, "AVRO", metadata=metadata("a", "1"), rule_set=rules())
    registered = writer.register_schema_full_response(subject, first)
    check(registered.version == 1, f"version {registered.version}")
    check(same_metadata(registered.schema.metadata, metadata("a", "1")), "register answer metadata")
    check(same_rules(registered.schema.rule_set, rules()), "register answer rules")
    first_id = registered.schema_id

    latest = reader.get_latest_version(subject)
    check(latest.schema_id == first_id, "latest id")
    check(same_metadata(latest.schema.metadata, metadata("a", "1")), "latest metadata")
    check(same_rules(latest.schema.rule_set, rules()), "latest rules")
    by_id = reader.get_schema(first_id)
    check(same_metadata(by_id.metadata, metadata("a", "1")), "metadata by id")
    check(same_rules(by_id.rule_set, rules()), "rules by id")
    found = reader.lookup_schema(subject, first)
    check((found.schema_id, found.version) == (first_id, 1), "lookup with the contract")

    # Identical again: the same id; other metadata: a new id and version.
    check(reader.register_schema(subject, first) == first_id, "idempotent registration")
    second = Schema(ORDER, "AVRO", metadata=metadata("b", "1"), rule_set=rules())
    second_id = writer.register_schema(subject, second)
    check(second_id != first_id, "other metadata, other id")
    check(reader.get_versions(subject) == [1, 2], "two versions")

    found = reader.get_latest_with_metadata(subject, {"owner": "a", MAJOR: "1"})
    check((found.schema_id, found.version) == (first_id, 1), "latest with owner a")
    check(same_metadata(found.schema.metadata, metadata("a", "1")), "its metadata")
    found = reader.get_latest_with_metadata(subject, {MAJOR: "1"})
    check(found.version == 2, "latest with major 1 is version 2")
    check(
        error_code(lambda: reader.get_latest_with_metadata(subject, {"owner": "z"})) == (404, 40403),
        "no version with owner z",
    )

    bad = Schema(ORDER, "AVRO", rule_set=RuleSet(
        migration_rules=[],
        domain_rules=[rule("up", RuleKind.TRANSFORM, RuleMode.UPGRADE, "JSONATA")],
    ))
    check(error_code(lambda: writer.register_schema("bad-value", bad)) == (422, 42210), "42210")


def compatibility_groups(url):
    client = SchemaRegistryClient({"url": url})
    subject = "groups-value"
    client.set_config(subject, ServerConfig(compatibility_group=MAJOR))
    config = client.get_config(subject)
    check(config.compatibility_group == MAJOR, f"group {config}")
    major = lambda n: Metadata(tags=None, properties=MetadataProperties({MAJOR: n}), sensitive=None)
    client.register_schema(subject, Schema(ORDER, "AVRO", metadata=major("1")))
    client.register_schema(subject, Schema(ORDER_MAJOR_2, "AVRO", metadata=major("2")))
    check(client.get_versions(subject) == [1, 2], "two majors registered")
    check(
        error_code(lambda: client.register_schema(
            subject, Schema(ORDER_MAJOR_2_BREAKING, "AVRO", metadata=major("2"))
        )) == (409, 409),
        "a breaking change inside major 2 is refused",
    )
    found = client.get_latest_with_metadata(subject, {MAJOR: "1"})
    check(found.version == 1, "latest of major 1")


def defaults_and_overrides(url):
    client = SchemaRegistryClient({"url": url})
    subject = "defaults-value"
    override = RuleSet(
        migration_rules=[],
        domain_rules=[],
        encoding_rules=[rule("encrypt", RuleKind.TRANSFORM, RuleMode.WRITEREAD, "ENCRYPT")],
    )
    client.set_config(subject, ServerConfig(
        default_metadata=Metadata(
            tags=None, properties=MetadataProperties({"owner": "platform"}), sensitive=None
        ),
        override_rule_set=override,
    ))
    config = client.get_config(subject)
    check(config.default_metadata is not None, f"defaults kept {config}")
    client.register_schema(subject, Schema(ORDER, "AVRO"))
    latest = client.get_latest_version(subject)
    check(latest.schema.metadata.properties.properties == {"owner": "platform"}, "default metadata")
    check(same_rules(latest.schema.rule_set, override), "override rule set")


def main():
    url = sys.argv[1]
    for scenario in (round_trip, compatibility_groups, defaults_and_overrides):
        try:
            scenario(url)
        except Exception:
            traceback.print_exc()
            print(f"FAILED in {scenario.__name__}")
            return 1
    print(f"{CHECKS} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
