using Spectre.Console.Cli;
using TransactionEtl.Cli;

return await TxetlApp.RunAsync(args);
