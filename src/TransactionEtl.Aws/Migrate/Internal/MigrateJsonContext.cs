using System.Text.Json.Serialization;

namespace TransactionEtl.Aws.Migrate.Internal;

/// <summary>The migrate event: <c>{}</c>, or <c>{"mode":"migrate"}</c> as run-etl used to be invoked.</summary>
internal sealed class MigrateRequest
{
    [JsonPropertyName("mode")] public string? Mode { get; set; }
}

/// <summary>Source-generated JSON for migrate's event (AOT: no reflection).</summary>
[JsonSerializable(typeof(MigrateRequest))]
internal sealed partial class MigrateJsonContext : JsonSerializerContext;
