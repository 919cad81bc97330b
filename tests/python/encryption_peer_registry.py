#!/usr/bin/env python3
"""Confluent's own field-encryption executor against a streamhouse registry's DEK registry.

Usage: encryption_peer_registry.py URL < request.json > answer.json

Runs the Python client's real `FieldEncryptionExecutor` (encrypt_executor.py: KEK/DEK get
or create through its DekRegistryClient at URL, local-kms wrapping, Tink ciphers, the
version prefix when DEKs rotate, base64 for string fields). Only the RuleContext is a stub:
the transform reads nothing from it but `rule_mode`, `subject` and `get_parameter`.

The request: {"secret": S, "subject": ..., "params": {rule params}, "mode": "WRITE"|"READ",
"fields": [{"type": "STRING"|"BYTES", "value": str (STRING) or base64 (BYTES)}]}.
The answer: {"fields": [...same encoding...]} or {"error": "<type>: <message>"}.
"""

import base64
import json
import sys

from confluent_kafka.schema_registry import RuleMode
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import FieldEncryptionExecutor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver
from confluent_kafka.schema_registry.serde import FieldType


class StubRuleContext:
    def __init__(self, subject, mode, params):
        self.subject = subject
        self.rule_mode = mode
        self._params = params

    def get_parameter(self, name):
        return self._params.get(name)


class StubFieldContext:
    def __init__(self, field_type):
        self.field_type = field_type


def main():
    url = sys.argv[1]
    request = json.load(sys.stdin)
    LocalKmsDriver.register()
    executor = FieldEncryptionExecutor()
    executor.configure({"url": url}, {"secret": request["secret"]})
    ctx = StubRuleContext(request["subject"], RuleMode[request["mode"]], request["params"])
    out = []
    try:
        transform = executor.new_transform(ctx)
        for field in request["fields"]:
            field_type = FieldType[field["type"]]
            value = field["value"]
            if field_type == FieldType.BYTES:
                value = base64.b64decode(value)
            result = transform(ctx, StubFieldContext(field_type), value)
            if field_type == FieldType.BYTES:
                result = base64.b64encode(result).decode("ascii")
            out.append(result)
    except Exception as error:
        cause = error.__cause__
        detail = f" (cause: {type(cause).__name__}: {cause})" if cause else ""
        json.dump({"error": f"{type(error).__name__}: {error}{detail}"}, sys.stdout)
        return
    finally:
        executor.close()
    json.dump({"fields": out}, sys.stdout)


if __name__ == "__main__":
    main()
