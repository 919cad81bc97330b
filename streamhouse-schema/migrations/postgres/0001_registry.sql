-- The registry's storage (PostgreSQL). Keep in step with ../sqlite/0001_registry.sql.

-- One row per distinct schema (format + normalized text + references); its id is the
-- Confluent schema id, handed out by the database's sequence so that several registry
-- instances sharing this database never hand out the same id.
CREATE TABLE schemas (
    id BIGSERIAL PRIMARY KEY,
    schema_type TEXT NOT NULL,
    schema_text TEXT NOT NULL,
    references_json TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE
);

-- A subject's versions. Soft-deleted versions keep their row (deleted = TRUE) until a
-- permanent delete removes it.
CREATE TABLE subject_versions (
    subject TEXT NOT NULL,
    version BIGINT NOT NULL,
    schema_id BIGINT NOT NULL REFERENCES schemas (id),
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (subject, version)
);

-- A schema is live at most once per subject: this is what makes concurrent identical
-- registrations collapse into one version.
CREATE UNIQUE INDEX subject_versions_live_schema ON subject_versions (subject, schema_id) WHERE NOT deleted;
CREATE INDEX subject_versions_by_schema ON subject_versions (schema_id);

-- Compatibility level and mode, globally (scope '') or per subject (scope = subject).
CREATE TABLE settings (
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (scope, name)
);
