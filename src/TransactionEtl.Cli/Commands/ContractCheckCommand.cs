using System.CommandLine;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Postgres;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl contract check FILE</c>: loads a contract the way a load does (every property, its tax rules, its table and
/// column names) and prints what it produces, without a database and without a CSV file. A mistake fails it (exit 1)
/// with the JSON path, as <c>validate</c> and <c>run</c> would.
/// </summary>
internal sealed class ContractCheckCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<string> _file = new("FILE") { Description = "The contract file (Table Schema JSON, see docs/contracts.md)." };

    public ContractCheckCommand(CliEnvironment environment)
        : base("check", "Check a contract file without a database: its mistakes with their JSON path, or the table and columns it produces.")
    {
        _environment = environment;
        Arguments.Add(_file);
        SetAction(parse => Execute(parse.GetValue(_file)!));
    }

    private int Execute(string file)
    {
        var contract = CommonOptions.LoadContract(file, _environment);
        ContractDdl.EnsureLoadable(contract);
        var output = _environment.Output;
        output.WriteLine(Visible.Text($"Contract:   {contract.Name} {contract.Version} ({contract.Source})"));
        output.WriteLine($"SHA-256:    {contract.Sha256}");
        output.WriteLine(Visible.Text($"Table:      txetl.{contract.TargetTable} " + (contract.CreateTable
            ? "(created on the first load, widened by new optional fields; txetl contract ddl prints it)"
            : "(createTable false: must exist; its column types are checked before each load)")));
        var columns = contract.OutputColumns.Select(c => $"{c.Name} {ContractDdl.SqlType(c.Type)}{(c.Nullable ? " null" : "")}");
        output.WriteLine(Visible.Text($"Columns:    {string.Join(", ", columns)}"));
        output.WriteLine(Visible.Text($"Key:        {(contract.PrimaryKey.Count == 0 ? "none" : string.Join(", ", contract.PrimaryKey))}"));
        output.WriteLine("The contract is valid.");
        return ExitCodes.Ok;
    }
}
