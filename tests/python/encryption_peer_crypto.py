#!/usr/bin/env python3
"""Byte-level interop of field encryption with Confluent's own Cryptor and LocalKmsClient.

Usage: encryption_peer_crypto.py < request.json > answer.json

The request (from streamhouse-schema/tests/encryption_python_crypto.rs) holds a local-kms
secret, plaintexts, and per DEK algorithm the DEK our Rust code generated (wrapped by its
local KMS) with our ciphertexts of the plaintexts. For each algorithm this script, with
`encrypt_executor.Cryptor` and `localkms.LocalKmsClient` only:
- unwraps our DEK, decrypts our ciphertexts, and encrypts the plaintexts again with it;
- generates its own DEK, wraps it, and encrypts the plaintexts with it;
- tries to unwrap our DEK with a wrong secret (it must fail).
Everything is base64 in JSON.
"""

import base64
import json
import sys

from confluent_kafka.schema_registry.rules.encryption.dek_registry.dek_registry_client import DekAlgorithm
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import Cryptor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_client import LocalKmsClient


def b64(data):
    return base64.b64encode(data).decode("ascii")


def unb64(text):
    return base64.b64decode(text)


def main():
    request = json.load(sys.stdin)
    kms = LocalKmsClient(request["secret"]).get_aead("local-kms://any")
    wrong = LocalKmsClient(request["secret"] + "-wrong").get_aead("local-kms://any")
    plaintexts = [unb64(p) for p in request["plaintexts"]]
    answer = {}
    for name, ours in request["rust"].items():
        cryptor = Cryptor(DekAlgorithm[name])
        our_key = kms.decrypt(unb64(ours["wrapped"]), Cryptor.EMPTY_AAD)
        try:
            wrong.decrypt(unb64(ours["wrapped"]), Cryptor.EMPTY_AAD)
            wrong_secret = "unwrapped"
        except Exception as error:  # tink.TinkError
            wrong_secret = type(error).__name__
        key = cryptor.generate_key()
        answer[name] = {
            "our_key": b64(our_key),
            "our_plaintexts": [
                b64(cryptor.decrypt(our_key, unb64(c), Cryptor.EMPTY_AAD)) for c in ours["ciphertexts"]
            ],
            "reencrypted": [b64(cryptor.encrypt(our_key, p, Cryptor.EMPTY_AAD)) for p in plaintexts],
            "wrong_secret": wrong_secret,
            "key": b64(key),
            "wrapped": b64(kms.encrypt(key, Cryptor.EMPTY_AAD)),
            "ciphertexts": [b64(cryptor.encrypt(key, p, Cryptor.EMPTY_AAD)) for p in plaintexts],
        }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
