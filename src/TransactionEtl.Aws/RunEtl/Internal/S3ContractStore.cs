using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.S3;
using TransactionEtl.Aws.S3.Internal;
using TransactionEtl.Core;

namespace TransactionEtl.Aws.RunEtl.Internal;

/// <summary>
/// Reads contract objects (and the tax rule file a contract names, a key relative to the contract's) from the drop
/// bucket. Each read is pinned: a HEAD gives the current version id and ETag, and the GET names that version (or, on an
/// unversioned bucket, sends the ETag as If-Match and checks it), so the contract loaded is exactly the one recorded.
/// A compiled contract is cached for the container by the ETags of its objects; every load still asks S3 with a HEAD
/// per object, so an uploaded change is used by the next file, not after the container is recycled.
/// </summary>
internal sealed class S3ContractStore(IAmazonS3 s3, ILogger logger)
{
    // A contract and its rules are a few kilobytes; anything this big is a mistaken upload, not a contract.
    private const long MaxObjectBytes = 4 << 20;

    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    private sealed record Cached(ChosenContract Chosen, IReadOnlyList<(string Key, string ETag)> Objects);

    private sealed record Head(string Key, string? VersionId, string ETag);

    /// <summary>The contract stored at <paramref name="key"/>, from the cache when none of its objects changed.</summary>
    /// <exception cref="S3TransferException">Missing, denied, changed between HEAD and GET, or S3 failed (transient).</exception>
    /// <exception cref="ContractException">The contract or its rule file has a mistake.</exception>
    public async Task<ChosenContract> GetAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var head = await HeadAsync(bucket, key, cancellationToken);
        if (_cache.TryGetValue($"{bucket}/{key}", out var cached) && await UnchangedAsync(bucket, cached, head, cancellationToken))
        {
            return cached.Chosen;
        }
        var fresh = await ReadAsync(bucket, head, cancellationToken);
        _cache[$"{bucket}/{key}"] = fresh;
        return fresh.Chosen;
    }

    private async Task<bool> UnchangedAsync(string bucket, Cached cached, Head contract, CancellationToken cancellationToken)
    {
        if (cached.Objects[0].ETag != contract.ETag)
        {
            return false;
        }
        foreach (var (key, eTag) in cached.Objects.Skip(1))
        {
            if ((await HeadAsync(bucket, key, cancellationToken)).ETag != eTag)
            {
                return false;
            }
        }
        return true;
    }

    private async Task<Cached> ReadAsync(string bucket, Head contract, CancellationToken cancellationToken)
    {
        var source = $"s3://{bucket}/{contract.Key}" + (contract.VersionId is null ? "" : $" (version {contract.VersionId})");
        var bytes = await GetPinnedAsync(bucket, contract, cancellationToken);
        var objects = new List<(string, string)> { (contract.Key, contract.ETag) };
        var directory = Path.Combine(Path.GetTempPath(), "txetl-contracts", Guid.NewGuid().ToString("N"));
        try
        {
            // The loader reads a relative rule file from the contract's directory: mirror the object there.
            if (RulesKey(bytes, contract.Key, source) is { } rules)
            {
                var head = await HeadAsync(bucket, rules.Key, cancellationToken);
                var path = Path.Combine(directory, rules.Relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, await GetPinnedAsync(bucket, head, cancellationToken), cancellationToken);
                objects.Add((head.Key, head.ETag));
            }
            using var json = new MemoryStream(bytes, writable: false);
            var loaded = Contract.Load(json, source, directory);
            logger.ContractRead(loaded.Name, loaded.Version, source, contract.ETag, loaded.Sha256);
            return new Cached(new ChosenContract(loaded, contract.Key, contract.VersionId, contract.ETag), objects);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// The key of the tax rule file the contract names, relative to the contract's key; null when it names none or a
    /// built-in one. Only a plain relative path can be mirrored, and only inside the contracts prefix the role may read.
    /// </summary>
    private static (string Key, string Relative)? RulesKey(byte[] contract, string contractKey, string source)
    {
        string? rules;
        try
        {
            using var document = JsonDocument.Parse(contract);
            rules = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("x-txetl", out var ext) && ext.ValueKind == JsonValueKind.Object
                && ext.TryGetProperty("tax", out var tax) && tax.ValueKind == JsonValueKind.Object
                && tax.TryGetProperty("rules", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // Contract.Load reports the mistake with its position.
        }
        if (rules is null || rules.StartsWith("builtin:", StringComparison.Ordinal))
        {
            return null;
        }
        var segments = rules.Split('/');
        if (rules.Contains('\\') || segments.Any(s => s is "" or "." or ".."))
        {
            throw new ContractException(source, "x-txetl.tax.rules",
                $"'{rules}' must be a key relative to the contract's (such as rules/at.csv), under {RunEtlOptions.ContractsPrefix}, without '..', '.', '\\' or empty segments");
        }
        return (contractKey[..(contractKey.LastIndexOf('/') + 1)] + rules, Path.Combine(segments));
    }

    private async Task<Head> HeadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken);
            return new Head(key, string.IsNullOrEmpty(head.VersionId) ? null : head.VersionId, head.ETag);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // A HEAD's 404 has no error body: say what is missing and who should put it there.
            throw new S3TransferException($"Reading the contract s3://{bucket}/{key} failed: there is no such object. The contracts " +
                "mapping (TXETL_CONTRACTS) names it: upload the contract and the rule files it names before files arrive (docs/deploy.md).",
                isTransient: false, ex);
        }
        catch (Exception ex) when (S3Errors.IsMapped(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Map("Reading the contract", $"s3://{bucket}/{key}", ex, cancellationToken);
        }
    }

    private async Task<byte[]> GetPinnedAsync(string bucket, Head head, CancellationToken cancellationToken)
    {
        var uri = $"s3://{bucket}/{head.Key}";
        if (await ReadAllAsync(bucket, head, uri, cancellationToken) is { } bytes)
        {
            return bytes;
        }
        throw new S3TransferException($"Reading the contract {uri} failed: it is larger than {MaxObjectBytes >> 20} MiB, so it is no contract; " +
            "check the key the contracts mapping names.", isTransient: false);
    }

    private async Task<byte[]?> ReadAllAsync(string bucket, Head head, string uri, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = head.Key };
        if (head.VersionId is not null)
        {
            request.VersionId = head.VersionId;
        }
        else
        {
            request.EtagToMatch = head.ETag;
        }
        try
        {
            using var response = await s3.GetObjectAsync(request, cancellationToken);
            // Servers that ignore versionId or If-Match (s3rver) would serve other bytes than the HEAD described.
            if (response.ETag != head.ETag)
            {
                throw new S3TransferException($"Reading the contract {uri} served ETag {response.ETag} instead of {head.ETag}: it was " +
                    "replaced while being read; a retry reads the new one.", isTransient: true);
            }
            if (response.ContentLength > MaxObjectBytes)
            {
                return null;
            }
            using var buffer = new MemoryStream((int)response.ContentLength);
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is not S3TransferException && S3Errors.IsMapped(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Map("Reading the contract", uri, ex, cancellationToken);
        }
    }
}
