using System.Security.Cryptography;
using System.Text;
using Npgsql;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>Statuses, accounting and rejected rows, on a real PostgreSQL (one database for the class).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed through IAsyncLifetime, which xunit 2 calls.")]
public sealed class FileLoaderTests(PostgresFixture db) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private readonly LoaderTestSupport _t = new(db.ConnectionString);

    // xunit 2 calls IAsyncLifetime, not IAsyncDisposable, on test classes.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _t.DisposeAsync();

    [Fact]
    public async Task Sample_file_loads_with_rejects_and_a_second_run_is_already_loaded()
    {
        var path = Path.Combine(LoaderTestSupport.SamplesDirectory, "transactions.csv");

        const string Count = "SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TX2029-%'";
        var first = await _t.LoadAsync(path);
        var stored = await _t.ScalarAsync<long>(Count);
        var second = await _t.LoadAsync(path, preHash: true);
        var third = await _t.LoadAsync(path);

        Assert.Equal(FileStatus.LoadedWithRejects, first.Status);
        Assert.Equal(300, first.RowsTotal);
        Assert.InRange(first.RowsRejected, 1, 15);
        Assert.NotEmpty(first.RejectReasons);
        await _t.AssertAccountingAsync(first);
        Assert.Equal(FileStatus.AlreadyLoaded, second.Status);
        Assert.Equal(first.FileId, second.FileId);
        Assert.Equal(FileStatus.AlreadyLoaded, third.Status);
        Assert.Equal(first.Sha256, third.Sha256);
        Assert.Equal(stored, await _t.ScalarAsync<long>(Count));
        Assert.Equal(first.RowsLoaded, stored);
        Assert.Equal(2L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.ingestion_files WHERE status = 'already_loaded' AND duplicate_of = @id", ("id", LoaderTestSupport.Id(first))));
    }

    [Fact]
    public async Task A_rerun_of_a_loaded_source_is_answered_by_its_hash_without_reading_the_content_and_a_first_load_is_not_hashed_first()
    {
        var path = await _t.WriteSampleAsync("rehash.csv", 50, seed: 131);
        var bytes = await File.ReadAllBytesAsync(path);
        int hashed = 0;
        LoadRequest Request(Stream content) => new()
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = content,
            SizeBytes = bytes.Length,
            HashContentAsync = _ =>
            {
                hashed++;
                return Task.FromResult(Convert.ToHexStringLower(SHA256.HashData(bytes)));
            },
        };

        FileSummary first;
        await using (var stream = new MemoryStream(bytes))
        {
            first = await _t.Loader.LoadAsync(Request(stream), CancellationToken.None);
        }

        // The rerun's stream fails on its first read: the answer must come from the ledger and the hash alone.
        var second = await _t.Loader.LoadAsync(Request(new BreakingStream(bytes, breakAfter: 0)), CancellationToken.None);

        Assert.Equal((FileStatus.Loaded, FileStatus.AlreadyLoaded), (first.Status, second.Status));
        Assert.Equal(first.FileId, second.FileId);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(1, hashed);
    }

    [Fact]
    public async Task Same_bytes_from_another_path_are_already_loaded()
    {
        var a = await _t.WriteSampleAsync("copy-a.csv", 50, seed: 101);
        var b = _t.WriteFile("copy-b.csv", File.ReadAllBytes(a));

        var first = await _t.LoadAsync(a);
        var second = await _t.LoadAsync(b);

        Assert.Equal(FileStatus.Loaded, first.Status);
        Assert.Equal(50, first.RowsLoaded);
        await _t.AssertAccountingAsync(first);
        Assert.Equal(FileStatus.AlreadyLoaded, second.Status);
        Assert.Equal(first.FileId, second.FileId);
        Assert.Equal(0, second.RowsLoaded);
    }

    [Fact]
    public async Task Rejected_rows_keep_their_raw_text_byte_for_byte()
    {
        // CRLF line ends, a quoted field holding a line break and doubled quotes, spaces, non-ASCII text.
        var records = new[]
        {
            "RAW-1,2025-01-02T10:00:00Z,ACC-1,\"Caf\u00e9 \"\"Z\"\"\r\nsecond line\",groceries,12.345,EUR,DE,,",
            "RAW-2,2025-13-40,ACC-2,  Tesco  ,groceries,1.00,GBP,GB,,",
            "RAW-3,2025-01-02,ACC-3,\u30e6\u30cb\u30af\u30ed,clothing,10,JPY,JP",
            "RAW-4,2025-01-02,ACC-4,Shop,groceries,5.00,EUR,DE,,",
        };
        var text = LoaderTestSupport.Header + "\r\n" + string.Join("\r\n", records) + "\r\n";
        var path = _t.WriteFile("raw.csv", text);

        var summary = await _t.LoadAsync(path, maxRejectedRatio: 1m);
        var rejected = await _t.RejectedRowsAsync(LoaderTestSupport.Id(summary));

        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal(3, summary.RowsRejected);
        await _t.AssertAccountingAsync(summary);
        Assert.Equal(new long[] { 2, 4, 5 }, rejected.Select(r => r.Line));
        Assert.Equal(records[..3], rejected.Select(r => r.Raw));
    }

    [Fact]
    public async Task Rows_with_NUL_bytes_are_rejected_and_stored_with_a_visible_stand_in_instead_of_failing_the_file()
    {
        // Regression: PostgreSQL text/jsonb cannot hold U+0000, so one such row used to make the whole COPY fail.
        var records = new[]
        {
            "NUL-1,2025-01-02,ACC-1,Bad\0Shop,groceries,5.00,EUR,DE,,",
            "NUL-\0-2,2025-01-02,ACC-2,Shop,groceries,5.00,EUR,DE,,",
            "NUL-3,2025-01-02,ACC-3,Shop,groceries,5.00,EUR,DE,,",
        };
        var path = _t.WriteFile("nul.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", records) + "\n");

        var summary = await _t.LoadAsync(path, maxRejectedRatio: 1m);
        var rejected = await _t.RejectedRowsAsync(LoaderTestSupport.Id(summary));

        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal(1, summary.RowsLoaded);
        Assert.Equal(2, summary.RowsRejected);
        await _t.AssertAccountingAsync(summary);
        Assert.Equal(records[..2].Select(r => r.Replace('\0', '\u2400')), rejected.Select(r => r.Raw));
        Assert.All(rejected, r => Assert.DoesNotContain("\\u0000", r.Errors));
    }

    [Fact]
    public async Task File_over_the_reject_threshold_loads_nothing_but_records_its_rejects()
    {
        var path = Path.Combine(LoaderTestSupport.SamplesDirectory, "file-level", "too-many-rejects.csv");

        var summary = await _t.LoadAsync(path);

        Assert.Equal(FileStatus.Rejected, summary.Status);
        Assert.Equal(20, summary.RowsTotal);
        Assert.Equal(4, summary.RowsRejected);
        Assert.Equal(0, summary.RowsLoaded);
        Assert.Equal(1, summary.RejectReasons[FileErrorCodes.TooManyRejects]);
        Assert.Contains("no row of the file is loaded", summary.Error, StringComparison.Ordinal);
        await _t.AssertAccountingAsync(summary);
        Assert.Equal(0L, await _t.ScalarAsync<long>("SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'TM-%'"));
    }

    [Fact]
    public async Task A_higher_threshold_for_the_run_loads_the_same_file()
    {
        var path = _t.WriteFile("threshold.csv", File.ReadAllBytes(Path.Combine(LoaderTestSupport.SamplesDirectory, "file-level", "too-many-rejects.csv")).Concat("\n"u8.ToArray()).ToArray());

        var summary = await _t.LoadAsync(path, maxRejectedRatio: 0.25m);

        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal(16, summary.RowsLoaded);
        Assert.Equal(1, summary.BlankLines);
        await _t.AssertAccountingAsync(summary);
    }

    [Theory]
    [InlineData("empty.csv", FileErrorCodes.EmptyFile)]
    [InlineData("missing-column.csv", FileErrorCodes.MissingLabel)]
    [InlineData("duplicate-column.csv", FileErrorCodes.DuplicateLabel)]
    [InlineData("bad-encoding.csv", FileErrorCodes.EncodingError)]
    public async Task File_level_errors_reject_the_whole_file(string name, string code)
    {
        var summary = await _t.LoadAsync(Path.Combine(LoaderTestSupport.SamplesDirectory, "file-level", name));

        Assert.Equal(FileStatus.Rejected, summary.Status);
        Assert.Equal(1, summary.RejectReasons[code]);
        Assert.False(string.IsNullOrWhiteSpace(summary.Error));
        Assert.Equal(0, summary.RowsLoaded);
        await _t.AssertAccountingAsync(summary);
    }

    [Fact]
    public async Task Header_only_file_is_loaded_with_zero_rows()
    {
        var summary = await _t.LoadAsync(Path.Combine(LoaderTestSupport.SamplesDirectory, "file-level", "header-only.csv"));

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(0, summary.RowsTotal);
        await _t.AssertAccountingAsync(summary);
    }

    [Fact]
    public async Task Ids_loaded_by_an_earlier_file_with_identical_content_are_duplicate_existing_and_the_stored_row_is_unchanged()
    {
        string Row(int i, string amount) => $"DUPX-{i:D3},2025-02-0{1 + (i % 9)}T08:00:00Z,ACC-{i},Shop,books,{amount},EUR,FR,,";
        var first = _t.WriteFile("dup-first.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", Enumerable.Range(1, 10).Select(i => Row(i, "10.00"))) + "\n");
        // Ids 5-10 re-sent as they are (other content would be a key-conflict: CorrectionsTests), 11-15 new.
        var secondRows = Enumerable.Range(5, 11).Select(i => Row(i, i <= 10 ? "10.00" : "99.99")).ToArray();
        var second = _t.WriteFile("dup-second.csv", LoaderTestSupport.Header + "\n" + string.Join("\n", secondRows) + "\n");

        var a = await _t.LoadAsync(first);
        var b = await _t.LoadAsync(second);
        var rejected = await _t.RejectedRowsAsync(LoaderTestSupport.Id(b));

        Assert.Equal(FileStatus.Loaded, a.Status);
        Assert.Equal(FileStatus.Loaded, b.Status); // only duplicates of earlier files: still "loaded"
        Assert.Equal(6, b.RowsDuplicate);
        Assert.Equal(0, b.RowsRejected);
        Assert.Equal(5, b.RowsLoaded);
        await _t.AssertAccountingAsync(a);
        await _t.AssertAccountingAsync(b);
        Assert.Equal(Enumerable.Range(2, 6).Select(l => (long)l), rejected.Select(r => r.Line));
        Assert.Equal(secondRows[..6], rejected.Select(r => r.Raw));
        Assert.All(rejected, r => Assert.Contains("\"duplicate-existing\"", r.Errors, StringComparison.Ordinal));
        // The stored rows of the first file are untouched: same file id, same gross amount.
        Assert.Equal(10L, await _t.ScalarAsync<long>(
            "SELECT count(*) FROM txetl.transactions WHERE transaction_id LIKE 'DUPX-%' AND file_id = @id AND gross_amount = 10.00",
            ("id", LoaderTestSupport.Id(a))));
    }

    [Fact]
    public async Task Repeated_id_within_a_file_keeps_the_first_and_rejects_later_ones_naming_its_line()
    {
        var text = LoaderTestSupport.Header + "\n" +
                   "INF-1,2025-03-01,ACC-1,Shop,books,1.00,EUR,FR,,\n" +
                   "INF-2,2025-03-01,ACC-1,Shop,books,2.00,EUR,FR,,\n" +
                   "INF-1,2025-03-02,ACC-9,Other,books,3.00,EUR,FR,,\n" +
                   "INF-1,2025-03-03,ACC-9,Other,books,4.00,EUR,FR,,\n";
        var path = _t.WriteFile("infile.csv", text);

        var summary = await _t.LoadAsync(path, maxRejectedRatio: 1m);
        var rejected = await _t.RejectedRowsAsync(LoaderTestSupport.Id(summary));

        Assert.Equal(FileStatus.LoadedWithRejects, summary.Status);
        Assert.Equal(2, summary.RowsRejected);
        Assert.Equal(2, summary.RejectReasons[FileErrorCodes.PrimaryKey]);
        await _t.AssertAccountingAsync(summary);
        Assert.Equal(new long[] { 4, 5 }, rejected.Select(r => r.Line));
        Assert.All(rejected, r => Assert.Contains("repeats line 2", r.Errors, StringComparison.Ordinal));
        Assert.Equal(1.00m, await _t.ScalarAsync<decimal>("SELECT gross_amount FROM txetl.transactions WHERE transaction_id = 'INF-1'"));
    }

    [Fact]
    public async Task A_stream_that_breaks_leaves_a_failed_ledger_row_and_nothing_else_then_a_retry_takes_it_over()
    {
        var path = await _t.WriteSampleAsync("breaks.csv", 5000, seed: 202, faultRate: 0.01);
        var bytes = await File.ReadAllBytesAsync(path);

        var error = await Assert.ThrowsAnyAsync<TransactionEtlException>(async () =>
        {
            await using var broken = new BreakingStream(bytes, breakAfter: bytes.Length / 2);
            await _t.Loader.LoadAsync(new LoadRequest { Source = SourceIdentity.ForLocalFile(path), Content = broken }, CancellationToken.None);
        });
        var fileId = await _t.ScalarAsync<long>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p", ("p", path));
        var failed = await new IngestionLedger(_t.DataSource).FindAsync(fileId, CancellationToken.None);

        Assert.Contains("disk went away", error.Message, StringComparison.Ordinal);
        Assert.Equal(FileStatus.Failed, failed!.Status);
        Assert.Contains("disk went away", failed.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await _t.CountAsync("transactions", fileId));
        Assert.Equal(0L, await _t.CountAsync("rejected_rows", fileId));

        var retry = await _t.LoadAsync(path);

        Assert.Equal(fileId, retry.FileId);
        Assert.Equal(2, (await new IngestionLedger(_t.DataSource).FindAsync(fileId, CancellationToken.None))!.Attempt);
        Assert.NotEqual(FileStatus.Failed, retry.Status);
        Assert.Equal(5000, retry.RowsTotal);
        await _t.AssertAccountingAsync(retry);
    }

    [Fact]
    public async Task Cancelling_a_load_stores_nothing_and_marks_the_ledger_row_failed()
    {
        var path = await _t.WriteSampleAsync("cancel.csv", 200_000, seed: 303);
        using var cancellation = new CancellationTokenSource();
        await using var stream = File.OpenRead(path);
        var request = new LoadRequest
        {
            Source = SourceIdentity.ForLocalFile(path),
            Content = stream,
            Progress = p => { if (p.Done > stream.Length / 3) { cancellation.Cancel(); } },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _t.Loader.LoadAsync(request, cancellation.Token));
        var fileId = await _t.ScalarAsync<long>("SELECT file_id FROM txetl.ingestion_files WHERE source_path = @p", ("p", path));

        Assert.Equal("failed", await _t.ScalarAsync<string>("SELECT status FROM txetl.ingestion_files WHERE file_id = @id", ("id", fileId)));
        Assert.Equal(0L, await _t.CountAsync("transactions", fileId));
    }

    [Fact]
    public async Task A_loading_row_left_by_a_dead_session_is_taken_over()
    {
        var path = await _t.WriteSampleAsync("crashed.csv", 100, seed: 404);
        var source = SourceIdentity.ForLocalFile(path);
        var deadId = await _t.ScalarAsync<long>(
            "INSERT INTO txetl.ingestion_files (source_uri, source_key, source_path, contract_name, contract_version, status) " +
            "VALUES (@u, @k, @p, 'transactions', '1.0.0', 'loading') RETURNING file_id",
            ("u", source.Uri), ("k", source.Key), ("p", path));

        var summary = await _t.LoadAsync(path);

        Assert.Equal(FileStatus.Loaded, summary.Status);
        Assert.Equal(deadId, LoaderTestSupport.Id(summary));
        Assert.Equal(2, await _t.ScalarAsync<int>("SELECT attempt FROM txetl.ingestion_files WHERE file_id = @id", ("id", deadId)));
        await _t.AssertAccountingAsync(summary);
    }

    /// <summary>Serves bytes, then fails like a disk or network stream dying mid-file.</summary>
    private sealed class BreakingStream(byte[] bytes, int breakAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            if (_position >= breakAfter)
            {
                throw new IOException("disk went away");
            }

            var n = Math.Min(buffer.Length, breakAfter - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
