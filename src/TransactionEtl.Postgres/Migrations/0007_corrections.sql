-- Corrections (issue 17): a row whose key is stored with other content is a conflict. Under a contract's
-- onExistingKey "update" it replaces the stored row, and the version it replaced is kept in <table>_history with
-- the replacing file's id and a timestamp, so that an auditor still sees what the row was before.

-- The replaced versions of txetl.transactions: every column of the stored row as it was, then who replaced it.
-- LIKE copies names, types, collations and NOT NULL, not the primary key: a row corrected twice has two versions.
CREATE TABLE txetl.transactions_history (
    LIKE txetl.transactions,
    replaced_by_file_id bigint      NOT NULL REFERENCES txetl.ingestion_files (file_id),
    replaced_at         timestamptz NOT NULL DEFAULT now()
);

-- An auditor asks "what was this transaction before?": by key.
CREATE INDEX transactions_history_transaction_id_idx ON txetl.transactions_history (transaction_id);

-- Least privilege: the loader copies a stored row to the history (INSERT ... SELECT, so no SELECT on the history)
-- and updates every column of it but the key. It still cannot DELETE or TRUNCATE, nor change a key, nor touch a
-- history row once written.
GRANT INSERT ON txetl.transactions_history TO txetl_loader;
GRANT UPDATE (occurred_at, account_id, merchant, category, currency, country, region, price_includes_tax,
    net_amount, tax_amount, gross_amount, tax_rate, tax_rule_id, file_id, source_line, loaded_at)
    ON txetl.transactions TO txetl_loader;

-- The ledger counts conflicts (whatever became of them) and updates (part of rows_loaded). Null for rows written
-- before, or by a loader of the previous release during a deploy.
ALTER TABLE txetl.ingestion_files
    ADD COLUMN rows_conflicting bigint,
    ADD COLUMN rows_updated     bigint;

-- Conflicts skipped under onExistingKey "skip" are neither loaded, rejected nor duplicates: they close the sum.
-- Under reject and update every conflict is in rows_rejected or rows_loaded already.
ALTER TABLE txetl.ingestion_files DROP CONSTRAINT ingestion_files_counts_check;
ALTER TABLE txetl.ingestion_files ADD CONSTRAINT ingestion_files_counts_check CHECK (
    rows_total IS NULL
    OR rows_total = rows_loaded + rows_rejected + rows_duplicate
    OR rows_total = rows_loaded + rows_rejected + rows_duplicate + coalesce(rows_conflicting, 0)
    OR (status = 'rejected' AND rows_loaded = 0));

-- The statements that give a contract table its history table and the loader's grants for corrections; null when
-- the history exists already, or when <table>_history would be longer than an identifier may be (such a table
-- cannot take corrections; the loader says so). Run by the SECURITY DEFINER functions below, as their owner.
-- VOLATILE (the default) on purpose: it reads the catalog right after the table was created in the same transaction.
CREATE FUNCTION txetl.contract_history_statements(p_table text) RETURNS text[]
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tbl  constant text := '"txetl".' || txetl.contract_identifier(p_table);
    cols text;
BEGIN
    IF length(p_table) > 55 OR to_regclass('txetl.' || quote_ident(p_table || '_history')) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(txetl.contract_identifier(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_attribute a
    WHERE a.attrelid = tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey));
    RETURN ARRAY[
        'CREATE TABLE "txetl".' || txetl.contract_identifier(p_table || '_history') || ' (LIKE ' || tbl ||
            ', "replaced_by_file_id" bigint NOT NULL REFERENCES "txetl"."ingestion_files" ("file_id"), ' ||
            '"replaced_at" timestamp with time zone NOT NULL DEFAULT now());',
        'GRANT INSERT ON "txetl".' || txetl.contract_identifier(p_table || '_history') || ' TO txetl_loader;',
        'GRANT UPDATE (' || cols || ') ON ' || tbl || ' TO txetl_loader;'];
END
$$;

-- contract_create_table as 0006 wrote it stays, renamed, and builds the table; the function of that name now also adds
-- the history table. TransactionEtl.Postgres.ContractDdl prints the same text (a test compares them).
ALTER FUNCTION txetl.contract_create_table(text, jsonb, text[]) RENAME TO contract_create_table_0006;
REVOKE ALL ON FUNCTION txetl.contract_create_table_0006(text, jsonb, text[]) FROM PUBLIC, txetl_loader;

CREATE FUNCTION txetl.contract_create_table(p_table text, p_columns jsonb, p_primary_key text[]) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    created text;
BEGIN
    -- Two statements: the history's column list is read from the catalog once the table exists.
    created := txetl.contract_create_table_0006(p_table, p_columns, p_primary_key);
    RETURN created || coalesce(E'\n' || txetl.contract_run(txetl.contract_history_statements(p_table)), '');
END
$$;

-- Runs statements built above, returning them as one text (null for none).
CREATE FUNCTION txetl.contract_run(p_statements text[]) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_statements IS NULL THEN
        RETURN NULL;
    END IF;
    FOR n IN 1 .. cardinality(p_statements) LOOP
        EXECUTE p_statements[n];
    END LOOP;
    RETURN array_to_string(p_statements, E'\n');
END
$$;

-- The history table for a contract table created before this migration (the loader calls it on the first load with
-- onExistingKey "update"). Only a table a contract created, never the project's own tables nor a user's own table.
CREATE FUNCTION txetl.contract_create_history(p_table text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM txetl.contracts WHERE target_table = p_table AND action = 'created') THEN
        RAISE EXCEPTION 'txetl.% was not created from a contract', p_table USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN txetl.contract_run(txetl.contract_history_statements(p_table));
END
$$;

-- As in 0006, plus the column in the history table (when there is one) and the loader's right to correct it.
CREATE OR REPLACE FUNCTION txetl.contract_add_column(p_table text, p_column text, p_type text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    stmt text[];
BEGIN
    IF p_table IN ('ingestion_files', 'rejected_rows', 'tax_rates', 'contracts', 'schemaversions') THEN
        RAISE EXCEPTION 'txetl.% is not a contract table', p_table USING ERRCODE = 'insufficient_privilege';
    END IF;
    stmt := ARRAY['ALTER TABLE "txetl".' || txetl.contract_identifier(p_table) || ' ADD COLUMN ' ||
        txetl.contract_identifier(p_column) || ' ' || txetl.contract_column_type(p_type) || ';'];
    IF length(p_table) <= 55 AND to_regclass('txetl.' || quote_ident(p_table || '_history')) IS NOT NULL THEN
        stmt := stmt || ('ALTER TABLE "txetl".' || txetl.contract_identifier(p_table || '_history') || ' ADD COLUMN ' ||
            txetl.contract_identifier(p_column) || ' ' || txetl.contract_column_type(p_type) || ';');
        stmt := stmt || ('GRANT UPDATE (' || txetl.contract_identifier(p_column) || ') ON "txetl".' ||
            txetl.contract_identifier(p_table) || ' TO txetl_loader;');
    END IF;
    RETURN txetl.contract_run(stmt);
END
$$;

REVOKE ALL ON FUNCTION txetl.contract_history_statements(text), txetl.contract_run(text[]),
    txetl.contract_create_history(text), txetl.contract_create_table(text, jsonb, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION txetl.contract_create_history(text), txetl.contract_create_table(text, jsonb, text[]) TO txetl_loader;

-- Contract tables created before this migration get their history now.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT DISTINCT c.target_table FROM txetl.contracts c
             WHERE c.action = 'created' AND to_regclass('txetl.' || quote_ident(c.target_table)) IS NOT NULL LOOP
        PERFORM txetl.contract_run(txetl.contract_history_statements(t));
    END LOOP;
END
$$;
