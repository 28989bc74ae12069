using TransactionEtl.Aws.StartWorkflow;

namespace TransactionEtl.Aws.Tests.StartWorkflow;

public sealed class S3KeyDecoderTests
{
    [Theory]
    [InlineData("incoming/plain.csv", "incoming/plain.csv")]
    [InlineData("incoming/daily+report+2026-11-26.csv", "incoming/daily report 2026-11-26.csv")]
    [InlineData("incoming/eur%2Busd+rates.csv", "incoming/eur+usd rates.csv")]
    [InlineData("incoming/caf%C3%A9-z%C3%BCrich/%E6%97%A5%E6%9C%AC.csv", "incoming/café-zürich/日本.csv")]
    [InlineData("a%25b.csv", "a%b.csv")]
    [InlineData("a%2B%2B.csv", "a++.csv")]
    public void Decodes_keys_the_way_S3_encodes_them_in_notifications(string encoded, string expected)
    {
        Assert.Equal(expected, S3KeyDecoder.Decode(encoded));
    }
}
