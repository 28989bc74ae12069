using System.CommandLine;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Spectre.Console;
using TransactionEtl.Aws.StepFunctions;
using TransactionEtl.Core;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl aws backfill s3://bucket/prefix/</c>: starts the backfill state machine on a prefix (a signed
/// StartExecution, credentials from the AWS SDK's default chain) and prints the execution ARN. Step Functions
/// does the rest: it lists the prefix, loads every object with RunEtl (already loaded ones answer
/// already_loaded) and posts one summary to chat (docs/operations.md "Backfill a prefix").
/// </summary>
internal sealed class AwsBackfillCommand : Command
{
    private readonly CliEnvironment _environment;

    private readonly Argument<string> _target = new("S3_PREFIX") { Description = "s3://bucket/prefix/ — every object under it is loaded (the prefix is literal: end it with /)." };

    private readonly Option<string?> _stateMachineArn = new("--state-machine-arn")
    {
        HelpName = "ARN",
        Description = $"The backfill state machine (terraform output backfill_state_machine_arn); default ${BackfillStarter.StateMachineArnVariable}",
    };

    private readonly Option<string?> _name = new("--name")
    {
        HelpName = "NAME",
        Description = "Execution name (1-80 letters, digits, - or _): a second start with the same name starts nothing. Default: backfill-<UTC time>-<prefix>",
    };

    public AwsBackfillCommand(CliEnvironment environment)
        : base("backfill", "Load every object under an S3 prefix that is not loaded yet: start the backfill state machine and print its execution ARN")
    {
        _environment = environment;
        Arguments.Add(_target);
        Options.Add(_stateMachineArn);
        Options.Add(_name);
        SetAction((parse, cancellationToken) => ExecuteAsync(parse.GetValue(_target)!, parse.GetValue(_stateMachineArn), parse.GetValue(_name), cancellationToken));
    }

    private async Task<int> ExecuteAsync(string target, string? stateMachineArn, string? name, CancellationToken cancellationToken)
    {
        BackfillTarget parsed;
        try
        {
            parsed = BackfillTarget.Parse(target);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message, "txetl aws backfill");
        }

        using var http = new HttpClient();
        using var loggers = new StderrLoggerFactory(_environment.Error);
        AWSCredentials credentials;
        try
        {
            credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException ex)
        {
            throw new TransactionEtlException($"No AWS credentials for StartExecution ({ex.Message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.", ex);
        }
        var starter = new BackfillStarter(http, _environment.GetVariable, credentials, TimeProvider.System, loggers);
        BackfillStarted started;
        try
        {
            started = await starter.StartAsync(parsed, stateMachineArn, name, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message, "txetl aws backfill");
        }
        var output = _environment.Output;
        output.WriteLine(Visible.Text(started.AlreadyExisted
            ? $"A backfill named {started.ExecutionName} exists already; nothing new was started."
            : $"Started the backfill of {parsed}."));
        // The ARN alone on its own line, for scripts: aws stepfunctions describe-execution --execution-arn "$(... | tail -1)".
        output.WriteLine(Visible.Text(started.ExecutionArn));
        return ExitCodes.Ok;
    }
}
