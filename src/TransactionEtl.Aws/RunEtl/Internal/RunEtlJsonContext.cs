using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>Source-generated JSON for run-etl's event (AOT: no reflection).</summary>
[JsonSerializable(typeof(RunEtlRequest))]
internal sealed partial class RunEtlJsonContext : JsonSerializerContext;
