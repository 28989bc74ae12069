using System.Text.Json.Serialization;

namespace TransactionEtl.Postgres.Loading;

/// <summary>
/// Source-generated (Native-AOT and trim safe) JSON for <see cref="ChunkTicket"/> and <see cref="ChunkedLoadStart"/>, in
/// camelCase: <c>JsonSerializer.Serialize(ticket, ChunkTicketJsonContext.Default.ChunkTicket)</c>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChunkTicket))]
[JsonSerializable(typeof(ChunkedLoadStart))]
public sealed partial class ChunkTicketJsonContext : JsonSerializerContext;
