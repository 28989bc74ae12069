using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.Runtime.Internal;

/// <summary>Source-generated JSON for the runtime's own documents (AOT: no reflection).</summary>
[JsonSerializable(typeof(LambdaError))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
