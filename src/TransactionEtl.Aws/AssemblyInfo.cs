namespace TransactionEtl.Aws;
