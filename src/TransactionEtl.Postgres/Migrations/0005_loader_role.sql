-- The least-privilege role production loads as (never the master user). It is a NOLOGIN group role:
-- a deployment creates its own LOGIN user (or IAM-authenticated user) and grants it membership, so no
-- password lives in a migration. Members can read the rules, write rows and the ledger, and use temporary
-- tables for staging; they own nothing, so they cannot DROP, ALTER or TRUNCATE, and they have no CREATE
-- on the schema.
DO $$
BEGIN
    CREATE ROLE txetl_loader NOLOGIN;
EXCEPTION
    -- Roles are cluster-wide: another database of the same cluster may have created it already, possibly
    -- at the same moment (unique_violation on the catalog).
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO txetl_loader', current_database());
END
$$;

GRANT USAGE ON SCHEMA txetl TO txetl_loader;
GRANT SELECT ON txetl.tax_rates TO txetl_loader;
GRANT SELECT, INSERT ON txetl.transactions TO txetl_loader;
GRANT SELECT, INSERT ON txetl.rejected_rows TO txetl_loader;
-- UPDATE: the ledger row moves loading -> loaded/rejected/failed and is taken over after a crash.
GRANT SELECT, INSERT, UPDATE ON txetl.ingestion_files TO txetl_loader;
GRANT USAGE ON SEQUENCE txetl.ingestion_files_file_id_seq TO txetl_loader;
