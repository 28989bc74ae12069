-- Target tables created from contracts (issue 16). The loader creates a contract's table on its first load and
-- adds the nullable columns of a later version; every such change, and every new contract file that loads, is
-- recorded here. The loader role still owns nothing and has no CREATE on the schema: it can only call the two
-- SECURITY DEFINER functions below, which build the DDL themselves from checked names and canonical type names,
-- so a member of txetl_loader can create a contract-shaped table or add a nullable column, and nothing else.

CREATE TABLE txetl.contracts (
    contract_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL,
    version      text        NOT NULL,
    -- SHA-256 of the contract file's bytes: the version field is free text and may not change with the content.
    sha256       char(64)    NOT NULL,
    target_table text        NOT NULL,
    -- created: the load created the table; added_columns: it added nullable columns; adopted: the table existed
    -- (made by a migration or by hand) and matched; unchanged: a new contract file with the table's shape.
    action       text        NOT NULL,
    -- The statements the load ran (null for adopted/unchanged), exactly as executed.
    ddl          text,
    applied_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contracts_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT contracts_action_check CHECK (action IN ('created', 'added_columns', 'adopted', 'unchanged'))
);

CREATE INDEX contracts_target_table_idx ON txetl.contracts (target_table, sha256);

-- The ledger records which contract file loaded each file, and into which table. A file's identity becomes
-- (content, contract name, target table): the same bytes sent under another contract into another table load.
ALTER TABLE txetl.ingestion_files
    ADD COLUMN contract_sha256 char(64),
    ADD COLUMN target_table    text,
    ADD CONSTRAINT ingestion_files_contract_sha256_check CHECK (contract_sha256 IS NULL OR contract_sha256 ~ '^[0-9a-f]{64}$');

-- Rows from before this migration: a contract's name is its default table name, and the built-in contract's
-- table is transactions. A contract that named another table (x-txetl.table) may see one of its old files load
-- again; its primary key then turns every row into duplicate-existing.
-- Left nullable on purpose: a loader of the previous release still running while this migration lands (a warm
-- Lambda container during a deploy) inserts rows without it; such a row never matches a new loader's identity, so
-- at worst a file re-sent in that window loads again and its keys come back duplicate-existing.
UPDATE txetl.ingestion_files SET target_table = contract_name WHERE target_table IS NULL;

DROP INDEX txetl.ingestion_files_loaded_sha256_key;

CREATE UNIQUE INDEX ingestion_files_loaded_sha256_key
    ON txetl.ingestion_files (sha256, contract_name, target_table)
    WHERE status IN ('loaded', 'loaded_with_rejects');

-- A contract identifier, checked and always quoted (names never hold a quote once checked).
CREATE FUNCTION txetl.contract_identifier(p_name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_name IS NULL OR p_name !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid contract identifier %', quote_literal(p_name) USING ERRCODE = 'invalid_name';
    END IF;
    RETURN '"' || p_name || '"';
END
$$;

-- A type name exactly as format_type() spells it ("timestamp with time zone", "numeric", "text[]"): anything else,
-- including any text that is not a type, is refused, so no caller text reaches the DDL unchecked.
CREATE FUNCTION txetl.contract_column_type(p_type text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found regtype;
BEGIN
    BEGIN
        found := to_regtype(p_type);
    EXCEPTION
        -- to_regtype returns null for an unknown type but raises on text that does not parse as a type name.
        WHEN syntax_error OR invalid_name THEN found := NULL;
    END;
    IF found IS NULL OR format_type(found, NULL) <> p_type THEN
        RAISE EXCEPTION 'invalid contract column type %', quote_literal(p_type) USING ERRCODE = 'invalid_name';
    END IF;
    RETURN p_type;
END
$$;

-- Creates txetl.<p_table> from a contract's columns ([{"name", "type", "notNull", "unique"}]) and primary key, with the loader's
-- bookkeeping columns, the file_id reference to the ledger and an index on file_id; returns the statements run.
-- TransactionEtl.Postgres.ContractDdl prints the same text (a test compares them).
CREATE FUNCTION txetl.contract_create_table(p_table text, p_columns jsonb, p_primary_key text[]) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    tbl  constant text := '"txetl".' || txetl.contract_identifier(p_table);
    body text := '';
    col  jsonb;
    pk   text;
    stmt text[];
BEGIN
    FOR col IN SELECT value FROM jsonb_array_elements(p_columns) LOOP
        body := body || format(E'    %s %s%s%s,\n', txetl.contract_identifier(col->>'name'),
            txetl.contract_column_type(col->>'type'), CASE WHEN (col->>'notNull')::boolean THEN ' NOT NULL' ELSE '' END,
            CASE WHEN coalesce((col->>'unique')::boolean, false) THEN ' UNIQUE' ELSE '' END);
    END LOOP;
    body := body ||
        E'    "file_id" bigint NOT NULL REFERENCES "txetl"."ingestion_files" ("file_id"),\n' ||
        E'    "source_line" bigint NOT NULL,\n' ||
        E'    "loaded_at" timestamp with time zone NOT NULL DEFAULT now()';
    IF coalesce(cardinality(p_primary_key), 0) > 0 THEN
        SELECT string_agg(txetl.contract_identifier(k), ', ' ORDER BY i) INTO pk FROM unnest(p_primary_key) WITH ORDINALITY AS u(k, i);
        body := body || E',\n    PRIMARY KEY (' || pk || ')';
    END IF;
    stmt := ARRAY[
        'CREATE TABLE ' || tbl || E' (\n' || body || E'\n);',
        'CREATE INDEX ON ' || tbl || ' ("file_id");',
        'GRANT SELECT, INSERT ON ' || tbl || ' TO txetl_loader;'];
    FOR n IN 1 .. 3 LOOP
        EXECUTE stmt[n];
    END LOOP;
    RETURN array_to_string(stmt, E'\n');
END
$$;

-- Adds one nullable column to a contract table (never to the project's own tables); returns the statement run.
CREATE FUNCTION txetl.contract_add_column(p_table text, p_column text, p_type text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    stmt text;
BEGIN
    IF p_table IN ('ingestion_files', 'rejected_rows', 'tax_rates', 'contracts', 'schemaversions') THEN
        RAISE EXCEPTION 'txetl.% is not a contract table', p_table USING ERRCODE = 'insufficient_privilege';
    END IF;
    stmt := 'ALTER TABLE "txetl".' || txetl.contract_identifier(p_table) || ' ADD COLUMN ' ||
        txetl.contract_identifier(p_column) || ' ' || txetl.contract_column_type(p_type) || ';';
    EXECUTE stmt;
    RETURN stmt;
END
$$;

REVOKE ALL ON FUNCTION txetl.contract_identifier(text), txetl.contract_column_type(text),
    txetl.contract_create_table(text, jsonb, text[]), txetl.contract_add_column(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION txetl.contract_create_table(text, jsonb, text[]), txetl.contract_add_column(text, text, text)
    TO txetl_loader;

GRANT SELECT, INSERT ON txetl.contracts TO txetl_loader;
GRANT USAGE ON SEQUENCE txetl.contracts_contract_id_seq TO txetl_loader;
