-- The file ledger: one row per file submission (attempts of the same source reuse their row).
-- It is what makes loads exactly-once: a content hash that reached a loaded state can never reach it
-- again (unique partial index below), and a row stuck in 'loading' is taken over by the next attempt.
CREATE TABLE txetl.ingestion_files (
    file_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_uri       text        NOT NULL,
    -- Canonical source identity (file:///abs/path or s3://bucket/key#version); the advisory-lock key.
    source_key       text        NOT NULL,
    source_path      text,
    s3_bucket        text,
    s3_key           text,
    s3_version_id    text,
    s3_etag          text,
    size_bytes       bigint,
    sha256           char(64),
    contract_name    text        NOT NULL,
    contract_version text        NOT NULL,
    status           text        NOT NULL,
    rows_total       bigint,
    rows_loaded      bigint,
    rows_rejected    bigint,
    rows_duplicate   bigint,
    blank_lines      bigint,
    reject_reasons   jsonb,
    warnings         jsonb,
    -- The header labels as found in the file: `txetl rejects --csv` puts them above the raw rejected
    -- records so that a user can fix the rows and send them again as a file of the same shape.
    header           jsonb,
    -- For 'already_loaded': the submission that loaded this content first.
    duplicate_of     bigint REFERENCES txetl.ingestion_files (file_id),
    attempt          integer     NOT NULL DEFAULT 1,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    error            text,
    CONSTRAINT ingestion_files_status_check CHECK (status IN
        ('loading', 'loaded', 'loaded_with_rejects', 'rejected', 'already_loaded', 'failed')),
    CONSTRAINT ingestion_files_counts_check CHECK (
        rows_total IS NULL
        OR rows_total = rows_loaded + rows_rejected + rows_duplicate
        OR (status = 'rejected' AND rows_loaded = 0)),
    CONSTRAINT ingestion_files_sha256_check CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$')
);

-- The last line of defence for exactly-once: the loader also checks under an advisory lock keyed on the
-- hash, but two commits of the same content would collide here even if that check had a bug.
CREATE UNIQUE INDEX ingestion_files_loaded_sha256_key
    ON txetl.ingestion_files (sha256)
    WHERE status IN ('loaded', 'loaded_with_rejects');

CREATE INDEX ingestion_files_source_key_idx ON txetl.ingestion_files (source_key, file_id DESC);
CREATE INDEX ingestion_files_started_at_idx ON txetl.ingestion_files (started_at DESC);

-- Every rejected row with its raw text exactly as in the file and every reason (errors: JSON array of
-- {column, code, message, value}). duplicate-existing rows are kept here too, with that code.
CREATE TABLE txetl.rejected_rows (
    file_id    bigint NOT NULL REFERENCES txetl.ingestion_files (file_id),
    line       bigint NOT NULL,
    raw_record text   NOT NULL,
    errors     jsonb  NOT NULL,
    PRIMARY KEY (file_id, line)
);
