namespace TransactionEtl.Cli.Internal;

/// <summary>
/// The examples that end each command's <c>--help</c>, by command path. Real command lines: HelpExamplesTests runs
/// every one that needs no database (validate, sample) in a copy of the repository's samples/ and contracts/, so an
/// example that no longer parses or no longer finds its file fails the build.
/// </summary>
internal static class HelpExamples
{
    private static readonly Dictionary<string, string[]> ByCommand = new(StringComparer.Ordinal)
    {
        ["txetl"] =
        [
            "txetl validate samples/transactions.csv    # what loading would do, no database",
            "txetl run samples/transactions.csv         # load it (creates ./.txetl/ on first use)",
            "txetl rejects 1 --csv -o fix.csv           # its rejected rows, to fix and resend",
        ],
        ["txetl db"] =
        [
            "txetl db status",
            "txetl db url --tcp",
        ],
        ["txetl db migrate"] =
        [
            "txetl db migrate                           # create, start and migrate ./.txetl/",
            "txetl db migrate --database-url postgres://etl@db.example.com:5432/etl",
        ],
        ["txetl db url"] =
        [
            "txetl db url                               # for psql \"$(txetl db url)\"",
            "txetl db url --tcp                         # with the password, for GUI tools",
        ],
        ["txetl db status"] =
        [
            "txetl db status                            # exit 0 running, 3 stopped, 4 no cluster",
            "txetl db status --database-url postgres://etl@db.example.com:5432/etl",
        ],
        ["txetl db stop"] =
        [
            "txetl db stop                              # the data stays; any database command starts it again",
            "txetl db stop --verbose                    # with the stack trace if stopping fails",
        ],
        ["txetl validate"] =
        [
            "txetl validate samples/transactions.csv",
            "txetl validate samples/transactions.csv --json --show 5",
            "txetl validate samples/transactions.csv --max-rejected-ratio 0.01 --fail-on-rejects   # exit 2",
            "txetl validate samples/transactions.csv.gz --max-decompression-ratio 50   # gzip, read as it is",
        ],
        ["txetl run"] =
        [
            "txetl run samples/transactions.csv",
            "txetl run incoming/ --json --fail-on-rejects   # every *.csv of incoming/, in name order",
            "txetl run export.csv --delimiter ';' --encoding windows-1252",
            "txetl run drop.csv.gz --max-decompressed-bytes 10000000000   # gzip, zstd, bzip2: found by their first bytes",
            "txetl run big.csv --parallel 4                # plain CSV in chunks on 4 workers, committed as one",
        ],
        ["txetl report"] =
        [
            "txetl report",
            "txetl report --limit 100 --json",
        ],
        ["txetl rejects"] =
        [
            "txetl rejects 7                            # file 7's rejected rows and why",
            "txetl rejects 7 --csv -o fix.csv           # fix fix.csv, then: txetl run fix.csv",
            "txetl rejects 7 --outstanding --json       # what no later file has loaded",
        ],
        ["txetl watch"] =
        [
            "txetl watch inbox/",
            "txetl watch inbox/ --done-marker --settle 10",
            "txetl watch inbox/ --max-decompression-ratio 200   # *.csv.gz too",
        ],
        ["txetl lambda"] =
        [
            "txetl lambda invoke run-etl --event samples/events/run-etl.json",
            "txetl lambda invoke migrate --event samples/events/migrate.json",
        ],
        ["txetl lambda invoke"] =
        [
            "txetl lambda invoke run-etl --event samples/events/run-etl.json",
            "txetl lambda invoke notify-chat --event samples/events/sns-error-rejected.json",
        ],
        ["txetl aws"] =
        [
            "txetl aws backfill s3://txetl-prod-drop/incoming/2026-11/",
            "txetl aws backfill s3://txetl-prod-drop/incoming/ --name after-outage-1",
        ],
        ["txetl aws backfill"] =
        [
            "txetl aws backfill s3://txetl-prod-drop/incoming/2026-11/        # ARN from $TXETL_BACKFILL_STATE_MACHINE_ARN",
            "txetl aws backfill s3://txetl-prod-drop/incoming/ --name after-outage-1 --state-machine-arn arn:aws:states:eu-central-1:123456789012:stateMachine:txetl-prod-backfill",
        ],
        ["txetl contract"] =
        [
            "txetl contract check samples/supplier-eu/supplier-invoices.contract.json",
            "txetl contract ddl samples/supplier-eu/supplier-invoices.contract.json",
        ],
        ["txetl contract check"] =
        [
            "txetl contract check contracts/transactions.contract.json                 # name, version, table, columns",
            "txetl contract check samples/supplier-eu/supplier-invoices.contract.json",
        ],
        ["txetl contract ddl"] =
        [
            "txetl contract ddl samples/supplier-eu/supplier-invoices.contract.json    # the table its first load creates",
            "txetl contract ddl contracts/transactions.contract.json",
        ],
        ["txetl sample"] =
        [
            "txetl sample demo.csv --rows 1000",
            "txetl sample out/big.csv --rows 10000 --seed 7 --fault-rate 0.01   # creates out/",
            "txetl sample samples/transactions.csv.gz --rows 300 --seed 2029 --fault-rate 0.02 --format gz",
            "txetl sample demo.xlsx --rows 1000 --format xlsx   # or --format parquet",
        ],
    };

    /// <summary>The examples of the command at <paramref name="commandPath"/> (<c>txetl db url</c>); none for an unknown path.</summary>
    public static IReadOnlyList<string> For(string commandPath) =>
        ByCommand.TryGetValue(commandPath, out var examples) ? examples : [];
}
