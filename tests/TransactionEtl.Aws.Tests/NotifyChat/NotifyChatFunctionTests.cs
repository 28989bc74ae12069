using Microsoft.Extensions.Logging.Abstractions;
using TransactionEtl.Aws.Configuration;
using TransactionEtl.Aws.Runtime;
using TransactionEtl.Aws.Tests.Secrets;
using TransactionEtl.Testing;

namespace TransactionEtl.Aws.Tests.NotifyChat;

[Collection(ProcessEnvironmentWriters.Name)]
public sealed class NotifyChatFunctionTests : IDisposable
{
    private readonly ProcessEnvironment _environment = new();

    public void Dispose() => _environment.Dispose();

    [Fact]
    public async Task The_registered_notify_chat_function_reads_its_secret_from_secrets_manager_and_posts()
    {
        await using var webhooks = new LoopbackHttpServer((_, _) => new LoopbackResponse(200, "ok"));
        await using var secretsManager = new SecretsManagerLoopback((id, _) => id == "prod/txetl/chat"
            ? $$"""{"slack_webhook_url":"{{webhooks.BaseUri}}services/T1/B1/function-test-token"}""" : null);
        // The Secrets Manager client uses AWSSDK.Core's default credential chain, as in Lambda; give it the variables.
        _environment.Set(EnvironmentVariables.AccessKeyId, "AKIDFUNCTIONTEST").Set(EnvironmentVariables.SecretAccessKey, "function-test-secret");
        var env = new Dictionary<string, string?>
        {
            [EnvironmentVariables.ChatSecretId] = "prod/txetl/chat",
            [EnvironmentVariables.EndpointUrlSecretsManager] = secretsManager.Server.BaseUri.ToString(),
            [EnvironmentVariables.Region] = "eu-west-1",
        };
        Assert.True(LambdaFunctions.TryGetFactory(LambdaFunctions.NotifyChat, out var factory));
        var handler = await factory(new LambdaFunctionServices(NullLoggerFactory.Instance, TimeProvider.System, env.GetValueOrDefault), default);

        var input = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "events", "sns-warning-loaded-with-rejects.json"));
        var response = await handler(input, LambdaContext.ForLocalInvoke(TimeProvider.System, TimeSpan.FromMinutes(1)), default);

        Assert.Equal("""{"messages":1,"posts":1}""", System.Text.Encoding.UTF8.GetString(response));
        Assert.Equal("/services/T1/B1/function-test-token", Assert.Single(webhooks.Requests).PathAndQuery);
        Assert.Contains("AKIDFUNCTIONTEST", Assert.Single(secretsManager.Server.Requests).Headers["Authorization"]);
    }

    [Fact]
    public async Task Notify_chat_refuses_to_start_without_its_secret_id()
    {
        Assert.True(LambdaFunctions.TryGetFactory(LambdaFunctions.NotifyChat, out var factory));

        var ex = await Assert.ThrowsAsync<ConfigurationException>(async () =>
            await factory(new LambdaFunctionServices(NullLoggerFactory.Instance, TimeProvider.System, _ => null), default));

        Assert.Contains("TXETL_CHAT_SECRET_ID is not set", ex.Message);
    }
}
