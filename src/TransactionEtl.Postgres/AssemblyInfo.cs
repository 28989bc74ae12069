namespace TransactionEtl.Postgres;
