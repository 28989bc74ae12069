using System.Buffers;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using TransactionEtl.Core;

namespace TransactionEtl.Postgres.Loading.Internal;

/// <summary>
/// Rejected rows of the direct path, kept aside while the connection is busy with the COPY into the target
/// (one connection runs one COPY at a time) and then written to <c>rejected_rows</c> by a second binary COPY.
/// They go to a temporary file, created on the first reject and deleted at once (Unix) or on dispose, so memory stays flat
/// however many rows a file rejects; a clean file never touches the disk.
/// </summary>
internal sealed class RejectSpool : IAsyncDisposable
{
    private const int BufferSize = 1 << 16;

    private readonly ArrayBufferWriter<byte> _json = new(1024);
    private FileStream? _file;
    private BinaryWriter? _writer;
    private bool _dropKeyRejects;

    public long Count { get; private set; }

    /// <summary>Where the spool file was created (on Unix it is unlinked at once); null before the first reject.</summary>
    internal string? TemporaryPath { get; private set; }

    /// <summary>Spools <paramref name="row"/>; a <paramref name="keyReject"/> (an in-file duplicate) can still be dropped.</summary>
    public void Add(RejectedRow row, bool keyReject = false)
    {
        if (_writer is null)
        {
            string path = Path.GetTempFileName();
            _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, BufferSize,
                OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
            if (!OperatingSystem.IsWindows())
            {
                // Unlinked at once, used through the open handle: a process killed with SIGKILL leaves nothing
                // behind (delete-on-close runs only on a normal exit).
                File.Delete(path);
            }

            TemporaryPath = path;
            _writer = new BinaryWriter(_file, Encoding.UTF8, leaveOpen: true);
        }

        _writer.Write(keyReject);
        _writer.Write(row.Line);
        _writer.Write(PgText.Storable(row.RawRecord));
        _writer.Write(ErrorsJson(row.Errors));
        Count++;
    }

    /// <summary>
    /// Leaves the key rejects out of <see cref="CopyToAsync"/>: a file rejected as a whole by a file-level error keeps only
    /// the engine's rejects, as the staging path does (it marks keys only in a readable file).
    /// </summary>
    public void DropKeyRejects() => _dropKeyRejects = true;

    /// <summary>Writes every spooled row to <c>rejected_rows</c> of <paramref name="fileId"/>; returns the count.</summary>
    public async Task<long> CopyToAsync(NpgsqlConnection connection, long fileId, CancellationToken cancellationToken)
    {
        if (_file is null || _writer is null)
        {
            return 0;
        }

        _writer.Flush();
        _file.Position = 0;
        using var reader = new BinaryReader(_file, Encoding.UTF8, leaveOpen: true);
        var importer = await connection.BeginBinaryImportAsync(
            "COPY txetl.rejected_rows (file_id, line, raw_record, errors) FROM STDIN (FORMAT BINARY)", cancellationToken);
        await using (importer)
        {
            for (var i = 0L; i < Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var keyReject = reader.ReadBoolean();
                var (line, raw, errors) = (reader.ReadInt64(), reader.ReadString(), reader.ReadString());
                if (keyReject && _dropKeyRejects)
                {
                    continue;
                }

                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(fileId, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(line, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(raw, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(errors, NpgsqlDbType.Jsonb, cancellationToken);
            }

            return (long)await importer.CompleteAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }

    private string ErrorsJson(IReadOnlyList<CellError> errors)
    {
        _json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_json))
        {
            RejectedRowJson.WriteErrors(writer, errors);
        }

        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }
}
