-- The registry's storage (SQLite). Keep in step with ../postgres/0001_registry.sql.

-- One row per distinct schema (format + normalized text + references); its id is the
-- Confluent schema id, handed out by the database.
CREATE TABLE schemas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    schema_type TEXT NOT NULL,
    schema_text TEXT NOT NULL,
    references_json TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE
);

-- A subject's versions. Soft-deleted versions keep their row (deleted = TRUE) until a
-- permanent delete removes it.
CREATE TABLE subject_versions (
    subject TEXT NOT NULL,
    version INTEGER NOT NULL,
    schema_id INTEGER NOT NULL REFERENCES schemas (id),
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
