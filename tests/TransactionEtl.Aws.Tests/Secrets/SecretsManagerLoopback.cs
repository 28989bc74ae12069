using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Observability;
using TransactionEtl.Aws.Secrets;
using TransactionEtl.Aws.Signing;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.Secrets;

/// <summary>
/// Secrets Manager's GetSecretValue on loopback (AWS JSON 1.1), serving the given secrets. Like the service it
/// refuses what a real endpoint would: another X-Amz-Target or content type, a body without SecretId, and a
/// request whose SigV4 signature (service secretsmanager) does not recompute from the declared signed headers
/// with a known test key.
/// </summary>
internal sealed class SecretsManagerLoopback : IAsyncDisposable
{
    public const string Account = "123456789012";
    private const string AmzJson = "application/x-amz-json-1.1";

    // Access key to secret key of every test credential that calls here (AWS would look them up in IAM).
    private static readonly Dictionary<string, string> KnownKeys = new(StringComparer.Ordinal)
    {
        ["AKIDEXAMPLE"] = "test-secret-key",
        ["S3RVER"] = "S3RVER",
        ["AKIDFUNCTIONTEST"] = "function-test-secret",
    };

    private readonly Func<string, int, string?> _valueFor;

    /// <param name="valueFor">Secret id and the how-many-th read of it (1-based) to its text; null means not found.</param>
    public SecretsManagerLoopback(Func<string, int, string?> valueFor)
    {
        _valueFor = valueFor;
        Server = new LoopbackHttpServer(Respond);
    }

    public LoopbackHttpServer Server { get; }

    public Dictionary<string, int> Reads { get; } = [];

    /// <summary>A SecretReader whose client points here through AWS_ENDPOINT_URL_SECRETS_MANAGER.</summary>
    public SecretReader CreateReader(SecretRedactor redactor, ILogger logger) =>
        new(CreateClient(new BasicAWSCredentials("AKIDEXAMPLE", "test-secret-key")), redactor, logger);

    /// <summary>A client pointed here through AWS_ENDPOINT_URL_SECRETS_MANAGER, signing for eu-west-1 with <paramref name="credentials"/>.</summary>
    public SecretsManagerClient CreateClient(AWSCredentials credentials)
    {
        var endpoints = AwsServiceEndpoints.FromEnvironment(k => k switch
        {
            EnvironmentVariables.EndpointUrlSecretsManager => Server.BaseUri.ToString(),
            EnvironmentVariables.Region => "eu-west-1",
            _ => null,
        });
        return new SecretsManagerClient(null, SecretsManagerClientOptions.For(endpoints), credentials, TimeProvider.System);
    }

    private LoopbackResponse Respond(RecordedRequest request, int number)
    {
        if (request.Method != "POST" || request.PathAndQuery != "/"
            || request.Headers.GetValueOrDefault("X-Amz-Target") != SecretsManagerClient.Target
            || request.Headers.GetValueOrDefault("Content-Type")?.StartsWith(AmzJson, StringComparison.Ordinal) != true)
        {
            return Error(400, "UnknownOperationException", $"unexpected {request.Method} {request.PathAndQuery} target {request.Headers.GetValueOrDefault("X-Amz-Target")}");
        }
        if (!SignatureMatches(request))
        {
            return Error(403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
        }
        using var body = JsonDocument.Parse(request.Body);
        if (!body.RootElement.TryGetProperty("SecretId", out var secretId) || secretId.ValueKind != JsonValueKind.String
            || body.RootElement.EnumerateObject().Count() != 1)
        {
            return Error(400, "InvalidParameterException", "expected exactly {\"SecretId\":..}");
        }
        var id = secretId.GetString()!;
        int n;
        lock (Reads)
        {
            n = Reads[id] = Reads.GetValueOrDefault(id) + 1;
        }
        var value = _valueFor(id, n);
        if (value is null)
        {
            return Error(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        var arn = id.StartsWith("arn:", StringComparison.Ordinal) ? id : $"arn:aws:secretsmanager:eu-west-1:{Account}:secret:{id}-AbCdEf";
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ARN"] = arn, ["Name"] = arn.Split(":secret:")[1], ["VersionId"] = $"00000000-0000-0000-0000-{n:D12}",
            ["SecretString"] = value, ["VersionStages"] = new[] { "AWSCURRENT" }, ["CreatedDate"] = 1.7649e9,
        });
        return new LoopbackResponse(200, json, new Dictionary<string, string> { ["Content-Type"] = AmzJson });
    }

    /// <summary>Recomputes the signature the way AWS does: from the declared SignedHeaders, the body and the scope's date and region.</summary>
    private static bool SignatureMatches(RecordedRequest request)
    {
        var authorization = request.Headers.GetValueOrDefault("Authorization") ?? "";
        var parts = authorization.Replace(SigV4Signer.Algorithm + " ", "", StringComparison.Ordinal).Split(", ")
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var scope = parts.GetValueOrDefault("Credential")?.Split('/');
        if (scope is not { Length: 5 } || scope[3] != SecretsManagerClient.SigningService || !KnownKeys.TryGetValue(scope[0], out var secretKey)
            || !request.Headers.TryGetValue("X-Amz-Date", out var amzDate) || parts.GetValueOrDefault("SignedHeaders") is not { } signedNames)
        {
            return false;
        }
        var signed = signedNames.Split(';').Select(name => new KeyValuePair<string, string>(name, request.Headers.GetValueOrDefault(name) ?? "")).ToList();
        var time = DateTimeOffset.ParseExact(amzDate, SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var expected = SigV4Signer.Sign(
            new SigV4Request(request.Method, "/", "", signed, SigV4Signer.Sha256Hex(request.Body)),
            new ImmutableCredentials(scope[0], secretKey, request.Headers.GetValueOrDefault("X-Amz-Security-Token")),
            scope[2], SecretsManagerClient.SigningService, time);
        return expected.Authorization == authorization;
    }

    private static LoopbackResponse Error(int status, string type, string message) =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["Message"] = message }),
            new Dictionary<string, string> { ["Content-Type"] = AmzJson });

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
