using Npgsql;
using TransactionEtl.Postgres.Loading;

namespace TransactionEtl.Postgres.Tests.Loading;

/// <summary>The one rule both data sources (the CLI's and the Lambda's) take their COPY write buffer from.</summary>
public sealed class WriteBufferSizeTests
{
    [Theory]
    [InlineData("Host=db", FileLoader.MinimumWriteBufferSize)]
    [InlineData("Host=db;Write Buffer Size=8192", FileLoader.MinimumWriteBufferSize)]
    [InlineData("Host=db;Write Buffer Size=262144", 262144)]
    public void Raises_a_smaller_write_buffer_to_the_minimum_and_keeps_a_larger_one(string connectionString, int expected)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);

        FileLoader.RaiseWriteBufferSize(builder);

        Assert.Equal(expected, builder.WriteBufferSize);
    }
}
