namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// The run-etl modes of the workflow's chunked path (statemachine/etl.asl.json: PlanChunks, LoadChunks, CommitChunks) and
/// the fields each needs. Checked when the event is parsed, so a malformed event fails before S3 or the database is touched.
/// </summary>
internal static class ChunkedModes
{
    public const string Plan = "plan";
    public const string Chunk = "chunk";
    public const string Hash = "hash";
    public const string Commit = "commit";

    public const string Names = "plan, chunk, hash, commit";

    public static bool Is(string? mode) => mode is Plan or Chunk or Hash or Commit;

    /// <exception cref="InvalidRunEtlRequestException">A field the mode needs is missing or out of range.</exception>
    public static void Validate(RunEtlRequest request)
    {
        var missing = request.Mode switch
        {
            Plan when request.Size is not > 0 => "size (the object's size in bytes, from the event)",
            Plan when request.ChunkBytes is not > 0 => "chunkBytes (a positive chunk size; Terraform's chunk_bytes)",
            Chunk or Hash or Commit when request.Ticket is not { ValueKind: System.Text.Json.JsonValueKind.Object } =>
                "ticket (the object PlanChunks returned)",
            Chunk when request.ChunkIndex is not >= 0 => "chunkIndex (0 or more)",
            _ => null,
        };
        if (missing is not null)
        {
            throw new InvalidRunEtlRequestException(
                $"The run-etl event of mode '{request.Mode}' lacks {missing}; the state machine's chunked path passes it.");
        }
    }
}
