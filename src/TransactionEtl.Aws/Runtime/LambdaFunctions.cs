using TransactionEtl.Aws.Migrate;
using TransactionEtl.Aws.NotifyChat;
using TransactionEtl.Aws.RunEtl;
using TransactionEtl.Aws.StartWorkflow;

namespace TransactionEtl.Aws.Runtime;

/// <summary>
/// The dispatch table of the single <c>bootstrap</c>: <c>_HANDLER</c> value to function factory. The Lambda
/// host and <c>txetl lambda invoke</c> both look functions up here.
/// </summary>
public static class LambdaFunctions
{
    /// <summary>S3 ObjectCreated notification to Step Functions StartExecution.</summary>
    public const string StartWorkflow = "start-workflow";

    /// <summary>State input to the load summary.</summary>
    public const string RunEtl = "run-etl";

    /// <summary>SNS alert to Slack and Teams.</summary>
    public const string NotifyChat = "notify-chat";

    /// <summary>Database migrations and the loader login role, as the master user (invoked once per deployment).</summary>
    public const string Migrate = "migrate";

    /// <summary>Every function name the deployment knows; this build serves each of them.</summary>
    public static IReadOnlyList<string> Names { get; } = [StartWorkflow, RunEtl, NotifyChat, Migrate];

    // One line per function.
    private static readonly Dictionary<string, LambdaFunctionFactory> Factories = new(StringComparer.Ordinal)
    {
        [StartWorkflow] = StartWorkflowFunction.CreateAsync,
        [RunEtl] = RunEtlFunction.CreateAsync,
        [NotifyChat] = NotifyChatFunction.CreateAsync,
        [Migrate] = MigrateFunction.CreateAsync,
    };

    /// <summary>Finds the factory of <paramref name="name"/>; false for unknown names.</summary>
    public static bool TryGetFactory(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LambdaFunctionFactory? factory) =>
        Factories.TryGetValue(name, out factory);

    /// <summary>The message shown when <paramref name="name"/> has no factory.</summary>
    public static string DescribeMissing(string? name) =>
        $"Unknown function '{name}': expected one of {string.Join(", ", Names)}.";
}
