using System.Runtime.CompilerServices;
using Sylvan.Data.Csv;
using TransactionEtl.Core;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Cli.Internal;

/// <summary>One rejected row as <c>txetl rejects</c> shows it: the stored row and, when a later file loaded its key, that file.</summary>
internal sealed record RejectListing(StoredRejectedRow Row, string? Key, long? LoadedBy)
{
    /// <summary>Not put right yet: no file since has loaded the row's key (or the row has no readable key).</summary>
    public bool Outstanding => LoadedBy is null;
}

/// <summary>
/// The rejected rows of one file that <c>txetl rejects</c> lists: filtered by code and state, at most a limit, each
/// marked outstanding or loaded since. Streams in pages, so a file with a million rejects is never held whole.
/// </summary>
internal sealed class RejectsSelection
{
    private const int PageSize = 1000;

    private readonly IngestionLedger _ledger;
    private readonly Contract _contract;
    private readonly LedgerEntry _entry;
    private readonly int _keyColumn;

    public RejectsSelection(IngestionLedger ledger, Contract contract, LedgerEntry entry)
    {
        _ledger = ledger;
        _contract = contract;
        _entry = entry;
        _keyColumn = contract.KeyColumn(entry.Header);
    }

    /// <summary>Only rows with an error of this code (<c>--code</c>); null for all.</summary>
    public string? Code { get; init; }

    /// <summary>Only rows whose key no later file has loaded (<c>--outstanding</c>).</summary>
    public bool OutstandingOnly { get; init; }

    /// <summary>At most this many rows (<c>--limit</c>); null for all.</summary>
    public int? Limit { get; init; }

    public async IAsyncEnumerable<RejectListing> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var listing in MarkedAsync(cancellationToken))
        {
            if (Limit is { } limit && count >= limit)
            {
                yield break;
            }
            count++;
            yield return listing;
        }
    }

    /// <summary>The rows of the wanted code, marked a page at a time (one key lookup per page, not per row).</summary>
    private async IAsyncEnumerable<RejectListing> MarkedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = new List<StoredRejectedRow>(PageSize);
        await foreach (var row in _ledger.RejectedRowsAsync(_entry.FileId, cancellationToken))
        {
            if (Code is not null && !row.Errors.Any(e => e.Code == Code))
            {
                continue;
            }
            page.Add(row);
            if (page.Count == PageSize)
            {
                foreach (var listing in await MarkAsync(page, cancellationToken))
                {
                    yield return listing;
                }
                page.Clear();
            }
        }
        foreach (var listing in await MarkAsync(page, cancellationToken))
        {
            yield return listing;
        }
    }

    /// <summary>Looks up which keys of <paramref name="page"/> a later file loaded; drops the rest when only outstanding rows are asked for.</summary>
    private async Task<IEnumerable<RejectListing>> MarkAsync(List<StoredRejectedRow> page, CancellationToken cancellationToken)
    {
        var keyed = page.Select(row => (row, key: KeyOf(row.RawRecord))).ToList();
        var keys = keyed.Where(k => k.key is not null).Select(k => k.key!).Distinct(StringComparer.Ordinal).ToList();
        var loaded = await _ledger.LoadedSinceAsync(_contract, _entry.FileId, keys, cancellationToken);
        var listings = keyed.Select(k => new RejectListing(
            k.row, k.key, k.key is not null && loaded.TryGetValue(k.key, out var by) ? by : null)).ToList();
        return OutstandingOnly ? listings.Where(l => l.Outstanding).ToList() : listings;
    }

    /// <summary>The normalized primary key of a raw record, or null when the record has none that can be read.</summary>
    private string? KeyOf(string rawRecord)
    {
        if (_keyColumn < 0)
        {
            return null;
        }
        try
        {
            using var csv = CsvDataReader.Create(new StringReader(rawRecord), new CsvDataReaderOptions
            {
                HasHeaders = false,
                Delimiter = _contract.Delimiter,
                Quote = _contract.QuoteChar,
                Escape = _contract.QuoteChar,
            });
            return csv.Read() && _keyColumn < csv.RowFieldCount ? _contract.NormalizeKey(csv.GetString(_keyColumn)) : null;
        }
        catch (CsvFormatException)
        {
            // A record whose quotes are broken has no key we could name; it stays outstanding.
            return null;
        }
    }
}
