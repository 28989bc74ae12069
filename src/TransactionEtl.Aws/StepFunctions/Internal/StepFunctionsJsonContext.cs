using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StepFunctions.Internal;

/// <summary>Source-generated JSON for the StartExecution documents (AOT: no reflection).</summary>
[JsonSerializable(typeof(StartExecutionRequest))]
[JsonSerializable(typeof(StartExecutionResponse))]
[JsonSerializable(typeof(AwsJsonError))]
internal sealed partial class StepFunctionsJsonContext : JsonSerializerContext;
