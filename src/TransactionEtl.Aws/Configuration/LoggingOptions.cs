using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration.Internal;

namespace TransactionEtl.Aws.Configuration;

/// <summary>Settings shared by every function's logging, validated once at start.</summary>
public sealed class LoggingOptions
{
    /// <summary>Creates options directly (tests, local invoke).</summary>
    public LoggingOptions(string functionName, LogLevel minimumLevel = LogLevel.Information)
    {
        FunctionName = functionName;
        MinimumLevel = minimumLevel;
    }

    /// <summary>The function name written on every log line and used as the one metric dimension.</summary>
    public string FunctionName { get; }

    /// <summary>Lines below this level are not written.</summary>
    public LogLevel MinimumLevel { get; }

    /// <summary>Reads the logging settings; the function name falls back to <paramref name="defaultFunctionName"/> outside Lambda.</summary>
    /// <param name="defaultFunctionName">Name used when AWS_LAMBDA_FUNCTION_NAME is absent (local invoke).</param>
    /// <param name="lookup">Environment lookup; defaults to the process environment.</param>
    public static LoggingOptions FromEnvironment(string defaultFunctionName, Func<string, string?>? lookup = null)
    {
        var reader = new SettingsReader(lookup ?? Environment.GetEnvironmentVariable);
        var name = reader.Optional(EnvironmentVariables.FunctionName) ?? defaultFunctionName;
        var level = reader.Enum(EnvironmentVariables.LogLevel, LogLevel.Information);
        reader.ThrowIfInvalid("logging");
        return new LoggingOptions(name, level);
    }
}
