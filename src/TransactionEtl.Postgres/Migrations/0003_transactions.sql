-- The loaded transactions, columns as in the default contract (docs: shared spec "Columns" and "Tax").
-- Amounts are numeric(20,4): 16 integer digits and one more decimal than the largest ISO 4217 minor unit
-- in use (3: KWD, BHD), so no currency is ever rounded by the column type.
CREATE TABLE txetl.transactions (
    -- COLLATE "C": ids are compared byte-wise (case-sensitive by spec), and the primary-key index is
    -- cheaper to maintain than under a linguistic collation.
    transaction_id     text COLLATE "C" PRIMARY KEY,
    occurred_at        timestamptz    NOT NULL,
    account_id         text           NOT NULL,
    merchant           text,
    category           text           NOT NULL,
    currency           char(3)        NOT NULL,
    country            char(2)        NOT NULL,
    region             text,
    price_includes_tax boolean        NOT NULL,
    net_amount         numeric(20, 4) NOT NULL,
    tax_amount         numeric(20, 4) NOT NULL,
    gross_amount       numeric(20, 4) NOT NULL,
    tax_rate           numeric(9, 6)  NOT NULL,
    tax_rule_id        text           NOT NULL,
    -- Lineage. No foreign key to ingestion_files on purpose: a per-row RI trigger would cost about as
    -- much as the rest of the insert; the loader writes file_id from the ledger row in the same transaction.
    file_id            bigint         NOT NULL,
    source_line        bigint         NOT NULL,
    loaded_at          timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT transactions_amounts_check CHECK (gross_amount = net_amount + tax_amount)
);

-- No index on file_id: a second index would add roughly a sixth to every load (docs/performance.md);
-- lineage queries by file are rare and can afford a scan, or an operator can add the index.
