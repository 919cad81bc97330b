-- The registry's generation (keep in step with ../sqlite/0004_generation.sql): one counter,
-- raised in the same transaction as every change that can alter the answer to a
-- registration of a schema already registered (soft and permanent deletes, imports, mode
-- and config changes). Each instance answers such re-registrations from memory only while
-- the generation it reads is the one its answers were made under, so a change committed by
-- any instance on the database ends them.
CREATE TABLE registry_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO registry_generation (id, value) VALUES (1, 0);
