-- Chunked loads (issue 18 item 2): a large file is read in byte ranges by parallel chunk workers, each with its own
-- connection and transaction, and one commit step decides for the whole file. Between the workers and the commit the
-- rows live in an UNLOGGED work table per file attempt, txetl_work."f<file_id>_a<attempt>" (no WAL: it is rebuilt by a
-- re-run, never recovered), and each chunk's outcome in txetl.ingestion_chunks.

-- The loader creates and drops its work tables here and nowhere else: USAGE and CREATE on this schema only. It owns
-- what it creates, so it can drop a dead attempt's table; it gets no right on anything another role puts here.
CREATE SCHEMA txetl_work;
REVOKE ALL ON SCHEMA txetl_work FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA txetl_work TO txetl_loader;

-- One row per chunked attempt of a file: the plan's shape and, once the hash worker is through, the file's SHA-256
-- (the ledger's identity is the stored bytes' hash, as for a single-stream load; it is no function of the chunks').
CREATE TABLE txetl.ingestion_chunk_loads (
    file_id         bigint      PRIMARY KEY REFERENCES txetl.ingestion_files (file_id),
    attempt         integer     NOT NULL,
    size_bytes      bigint      NOT NULL,
    prefix_length   bigint      NOT NULL,
    chunk_count     integer     NOT NULL CHECK (chunk_count > 0),
    sha256          char(64)    CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
    started_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per chunk of the current attempt: 'pending' until its worker commits, then 'done' with the engine's outcome of
-- that range (counts, reasons, warnings, file-level error) and its line breaks, which the commit adds up to number the
-- later chunks' lines as the file's.
CREATE TABLE txetl.ingestion_chunks (
    file_id         bigint      NOT NULL REFERENCES txetl.ingestion_chunk_loads (file_id) ON DELETE CASCADE,
    attempt         integer     NOT NULL,
    chunk_index     integer     NOT NULL CHECK (chunk_index >= 0),
    start_byte      bigint      NOT NULL CHECK (start_byte >= 0),
    length_bytes    bigint      NOT NULL CHECK (length_bytes >= 0),
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    line_breaks     bigint,
    rows_total      bigint,
    rows_valid      bigint,
    rows_rejected   bigint,
    blank_lines     bigint,
    reject_reasons  jsonb,
    warnings        jsonb,
    header          jsonb,
    error_code      text,
    error           text,
    finished_at     timestamptz,
    PRIMARY KEY (file_id, chunk_index)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON txetl.ingestion_chunk_loads TO txetl_loader;
GRANT SELECT, INSERT, UPDATE, DELETE ON txetl.ingestion_chunks TO txetl_loader;
