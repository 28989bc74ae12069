-- Every object of TransactionEtl lives in schema txetl, so that the project never collides with other
-- tenants of a shared database. The migrator also creates the schema before DbUp runs (its journal table
-- lives here); this script is the versioned record of it.
CREATE SCHEMA IF NOT EXISTS txetl;

COMMENT ON SCHEMA txetl IS 'TransactionEtl: loaded transactions, ingestion ledger, rejected rows';
