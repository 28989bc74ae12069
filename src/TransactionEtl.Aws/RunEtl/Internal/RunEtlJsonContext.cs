using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>Source-generated JSON for run-etl's event and the Map Run results it reads (AOT: no reflection).</summary>
[JsonSerializable(typeof(RunEtlRequest))]
[JsonSerializable(typeof(MapRunManifest))]
[JsonSerializable(typeof(MapRunResultEntry))]
[JsonSerializable(typeof(BackfillChildOutput))]
internal sealed partial class RunEtlJsonContext : JsonSerializerContext;
