-- Data contracts (keep in step with ../sqlite/0002_data_contracts.sql): a schema's
-- `metadata` and `ruleSet` as Confluent JSON, NULL when it has none. They take part in the
-- schema's identity (its fingerprint), as in Confluent, where the same text with other
-- metadata or rules gets another id. Existing rows keep their ids and fingerprints.
ALTER TABLE schemas ADD COLUMN metadata_json TEXT;
ALTER TABLE schemas ADD COLUMN rule_set_json TEXT;
