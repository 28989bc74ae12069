using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;

namespace TransactionEtl.Aws.StepFunctions;

/// <summary>
/// Starts the backfill state machine (statemachine/batch.asl.json) on a prefix with the signed StartExecution
/// client StartWorkflow uses. The input is <c>{"bucket","prefix"}</c>; the Distributed Map lists the prefix itself.
/// Signing region: the state machine ARN's; endpoint: <c>AWS_ENDPOINT_URL_SFN</c> / <c>AWS_ENDPOINT_URL</c>, else AWS's.
/// </summary>
public sealed class BackfillStarter
{
    /// <summary>The environment variable that names the backfill state machine when no option does.</summary>
    public const string StateMachineArnVariable = "TXETL_BACKFILL_STATE_MACHINE_ARN";

    // Step Functions execution names: 1-80 of these characters.
    private const int MaxNameLength = 80;

    private readonly HttpClient _http;
    private readonly Func<string, string?> _environment;
    private readonly AWSCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates a starter. <paramref name="http"/> is caller-owned.</summary>
    public BackfillStarter(HttpClient http, Func<string, string?> environment, AWSCredentials credentials, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _http = http;
        _environment = environment;
        _credentials = credentials;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
    }

    /// <summary>Starts one backfill of <paramref name="target"/>.</summary>
    /// <param name="target">The bucket and prefix.</param>
    /// <param name="stateMachineArn">The backfill state machine; null: <see cref="StateMachineArnVariable"/>.</param>
    /// <param name="executionName">A name to make the start idempotent; null: one from the prefix and the time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">No or a malformed state machine ARN, or an invalid name.</exception>
    /// <exception cref="TransactionEtl.Core.TransactionEtlException">Step Functions refused the start or could not be reached.</exception>
    public async Task<BackfillStarted> StartAsync(BackfillTarget target, string? stateMachineArn, string? executionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var arn = stateMachineArn ?? _environment(StateMachineArnVariable);
        var region = RegionOf(arn);
        var name = executionName ?? DefaultName(target, _timeProvider.GetUtcNow());
        if (name.Length is 0 or > MaxNameLength || !name.All(IsNameChar))
        {
            throw new ArgumentException($"'{name}' is not an execution name: 1-{MaxNameLength} letters, digits, '-' or '_'.", nameof(executionName));
        }
        var endpoints = AwsServiceEndpoints.FromEnvironment(_environment);
        var endpoint = endpoints.StepFunctions ?? new Uri($"https://states.{region}.amazonaws.com/");
        var client = new StepFunctionsClient(_http, new StepFunctionsClientOptions(region, endpoint), _credentials, _timeProvider,
            _loggerFactory.CreateLogger<StepFunctionsClient>());
        var result = await client.StartExecutionAsync(new StartExecutionRequest(arn!, name, InputOf(target)), cancellationToken);
        return new BackfillStarted(result.ExecutionArn, name, result.AlreadyExisted);
    }

    /// <summary><c>backfill-20261126T101500Z-incoming_2026-11</c>: readable in the console, new on every start.</summary>
    internal static string DefaultName(BackfillTarget target, DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var slug = new StringBuilder();
        foreach (var c in target.Prefix.TrimEnd('/'))
        {
            slug.Append(IsNameChar(c) ? c : '_');
        }
        var name = $"backfill-{stamp}" + (slug.Length == 0 ? "" : "-" + slug);
        return name.Length <= MaxNameLength ? name : name[..MaxNameLength];
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    private static string RegionOf(string? arn)
    {
        if (string.IsNullOrEmpty(arn))
        {
            throw new ArgumentException(
                $"No backfill state machine: pass --state-machine-arn or set {StateMachineArnVariable} (terraform output backfill_state_machine_arn).");
        }
        var parts = arn.Split(':');
        if (parts.Length != 7 || parts[0] != "arn" || parts[2] != "states" || parts[5] != "stateMachine" || parts[3].Length == 0)
        {
            throw new ArgumentException($"'{arn}' is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>).");
        }
        return parts[3];
    }

    private static string InputOf(BackfillTarget target)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("bucket", target.Bucket);
            json.WriteString("prefix", target.Prefix);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
