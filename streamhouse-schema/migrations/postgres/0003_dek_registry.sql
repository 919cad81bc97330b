-- The DEK registry (keep in step with ../sqlite/0003_dek_registry.sql): key encryption
-- keys (KEKs, which name a key held in a KMS) and data encryption keys (DEKs, stored only
-- encrypted by their KEK), with Confluent's soft and permanent deletes.

CREATE TABLE keks (
    name TEXT PRIMARY KEY,
    kms_type TEXT NOT NULL,
    kms_key_id TEXT NOT NULL,
    kms_props_json TEXT NOT NULL,
    doc TEXT,
    shared BOOLEAN NOT NULL,
    ts BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL
);

-- A DEK per (KEK, subject, algorithm, version).
CREATE TABLE deks (
    kek_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    version BIGINT NOT NULL,
    encrypted_key_material TEXT,
    ts BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL,
    PRIMARY KEY (kek_name, subject, algorithm, version)
);
