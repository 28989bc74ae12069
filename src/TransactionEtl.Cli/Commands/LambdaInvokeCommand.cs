using System.CommandLine;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Cli.Internal;

namespace TransactionEtl.Cli.Commands;

/// <summary>
/// <c>txetl lambda invoke &lt;function&gt; [--event FILE|-]</c>: runs a Lambda handler in this process with the
/// same factory and configuration (environment variables) as the bootstrap, and prints its response. A
/// failure prints Lambda's error shape <c>{"errorType","errorMessage"}</c> on stdout and exits 1, so
/// scripts see what the state machine would see.
/// </summary>
internal sealed class LambdaInvokeCommand : Command
{
    /// <summary>Lambda's maximum timeout, the deadline given to a local invocation.</summary>
    private static readonly TimeSpan LocalTimeout = TimeSpan.FromMinutes(15);

    private readonly CliEnvironment _environment;

    private readonly Argument<string> _function = new("function") { Description = "start-workflow, run-etl, notify-chat or migrate" };

    private readonly Option<string?> _eventSource = new("--event")
    {
        HelpName = "FILE",
        Description = "Event JSON file, or --event=- for standard input (default: {})",
    };

    public LambdaInvokeCommand(CliEnvironment environment, GlobalOptions globals)
        : base("invoke", "Run a function's handler in-process on an event and print its response (--verbose: also the handler's log lines, JSON on stderr, at debug level)")
    {
        _environment = environment;
        Arguments.Add(_function);
        Options.Add(_eventSource);
        // The global --verbose: here it also turns the handler's logging up to debug.
        SetAction((parse, cancellationToken) => ExecuteAsync(
            new LambdaInvokeSettings { Function = parse.GetValue(_function)!, Event = parse.GetValue(_eventSource), Verbose = parse.GetValue(globals.Verbose) },
            cancellationToken));
    }

    private async Task<int> ExecuteAsync(LambdaInvokeSettings settings, CancellationToken cancellationToken)
    {
        if (!LambdaFunctions.TryGetFactory(settings.Function, out var factory))
        {
            return WriteError(new LambdaError(
                "TransactionEtl.ConfigurationError",
                LambdaFunctions.DescribeMissing(settings.Function)));
        }

        byte[] input;
        try
        {
            input = await ReadEventAsync(settings.Event, cancellationToken);
        }
        catch (IOException ex)
        {
            return WriteError(new LambdaError("TransactionEtl.EventFileError", $"Cannot read the event '{settings.Event}': {ex.Message}"));
        }
        catch (UnauthorizedAccessException ex)
        {
            return WriteError(new LambdaError("TransactionEtl.EventFileError", $"Cannot read the event '{settings.Event}': {ex.Message}"));
        }

        // The bootstrap's logger: the same JSON lines, context fields and secret masking as in Lambda, on stderr.
        var logging = new LoggingOptions(settings.Function, settings.Verbose ? LogLevel.Debug : LogLevel.Information);
        using var loggerFactory = new JsonLoggerFactory(_environment.Error, logging, SecretRedactor.Process);
        // Metrics lines go with the logs: stdout carries only the response, for scripts and the state machine tests.
        var services = new LambdaFunctionServices(loggerFactory, TimeProvider.System, _environment.GetVariable) { MetricsOutput = _environment.Error };
        try
        {
            var handler = await factory(services, cancellationToken);
            var lambdaContext = LambdaContext.ForLocalInvoke(TimeProvider.System, LocalTimeout);
            var response = await handler(input, lambdaContext, cancellationToken);
            _environment.Output.Profile.Out.Writer.WriteLine(Encoding.UTF8.GetString(response));
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return WriteError(LambdaError.FromException(ex));
        }
    }

    private async Task<byte[]> ReadEventAsync(string? source, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(source))
        {
            return "{}"u8.ToArray();
        }
        if (source == "-")
        {
            return Encoding.UTF8.GetBytes(await _environment.Input.ReadToEndAsync(cancellationToken));
        }
        return await File.ReadAllBytesAsync(Path.GetFullPath(source, _environment.CurrentDirectory), cancellationToken);
    }

    private int WriteError(LambdaError error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("errorType", error.ErrorType);
            json.WriteString("errorMessage", error.ErrorMessage);
            json.WriteEndObject();
        }
        // Raw writer, not markup: the JSON must come out byte for byte, unwrapped.
        _environment.Output.Profile.Out.Writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        return 1;
    }
}
