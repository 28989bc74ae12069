using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.StartWorkflow.Internal;

/// <summary>Source-generated JSON for StartWorkflow's documents (AOT: no reflection).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(S3EventNotification))]
[JsonSerializable(typeof(WorkflowInput))]
[JsonSerializable(typeof(StartWorkflowResult))]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
internal sealed partial class StartWorkflowJsonContext : JsonSerializerContext;
