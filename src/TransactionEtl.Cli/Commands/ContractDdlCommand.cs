using System.CommandLine;
using Spectre.Console;
using TransactionEtl.Cli.Internal;
using TransactionEtl.Postgres;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl contract ddl FILE</c>: prints the CREATE TABLE the loader runs on the contract's first load, for a user who
/// creates the table by hand (<c>x-txetl.createTable: false</c>) or reviews it first. No database.
/// </summary>
internal sealed class ContractDdlCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<string> _file = new("FILE") { Description = "The contract file (Table Schema JSON, see docs/contracts.md)." };

    public ContractDdlCommand(CliEnvironment environment)
        : base("ddl", "Print the SQL that creates the contract's target table (what the first load runs). No database.")
    {
        _environment = environment;
        Arguments.Add(_file);
        SetAction(parse => Execute(parse.GetValue(_file)!));
    }

    private int Execute(string file)
    {
        var contract = CommonOptions.LoadContract(file, _environment);
        // Line by line: Visible shows a line break inside a value as text, and the statements span lines.
        foreach (var line in ContractDdl.CreateTable(contract).Split('\n'))
        {
            _environment.Output.WriteLine(Visible.Text(line));
        }

        return ExitCodes.Ok;
    }
}
