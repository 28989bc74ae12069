using System.Net.Sockets;
using Npgsql;
using TransactionEtl.Postgres.Loading;
using TransactionEtl.Postgres.Loading.Internal;

namespace TransactionEtl.Postgres.Tests.Loading;

public sealed class LoadFailuresTests
{
    [Theory]
    [InlineData("08006", true)]
    [InlineData("08001", true)]
    [InlineData("40001", true)]
    [InlineData("40P01", true)]
    [InlineData("55P03", true)]
    [InlineData("53300", true)]
    [InlineData("57P01", true)]
    [InlineData("57P03", true)]
    [InlineData("08003", true)]
    [InlineData("53000", true)]
    [InlineData("53200", true)]
    [InlineData("55006", true)]
    [InlineData("57P02", true)]
    [InlineData("58000", true)]
    [InlineData("58030", true)]
    [InlineData("57P05", true)]
    [InlineData("08P01", false)]
    [InlineData("23505", false)]
    [InlineData("22P03", false)]
    [InlineData("28P01", false)]
    [InlineData("57014", false)]
    [InlineData("42501", false)]
    [InlineData("42P01", false)]
    public void Sqlstate_decides_whether_a_failure_is_transient(string sqlState, bool transient)
    {
        var error = new PostgresException("boom", "ERROR", "ERROR", sqlState);

        var wrapped = LoadFailures.Wrap(SourceIdentity.ForLocalFile("/data/a.csv"), "the load failed", error);

        Assert.Equal(transient, wrapped.IsTransient);
        Assert.Equal(transient, wrapped is TransactionEtl.Core.TransientException);
        Assert.Contains("file:///data/a.csv", wrapped.Message, StringComparison.Ordinal);
        Assert.Contains(sqlState, wrapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_of_another_type_is_named_with_its_row_from_the_copy_context()
    {
        var error = new PostgresException("incorrect binary data format", "ERROR", "ERROR", "22P03", where: "COPY orders, line 1, column order_no");

        var wrapped = LoadFailures.Wrap(SourceIdentity.ForLocalFile("/data/a.csv"), "the load failed", error);

        Assert.False(wrapped.IsTransient);
        Assert.Contains("incorrect binary data format (SQLSTATE 22P03); at COPY orders, line 1, column order_no: the target column's type", wrapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Npgsql_alone_decides_for_server_errors()
    {
        string[] codes = ["08000", "08001", "08003", "08004", "08006", "08007", "08P01", "40001", "40P01", "53000", "53100", "53200",
            "53300", "53400", "55000", "55006", "55P03", "57014", "57P01", "57P02", "57P03", "57P05", "58000", "58030", "23505", "42P01"];

        foreach (var code in codes)
        {
            var error = new PostgresException("boom", "ERROR", "ERROR", code);
            Assert.True(error.IsTransient == LoadFailures.IsTransient(error), code);
            Assert.True(error.IsTransient == LoadFailures.IsTransient(new NpgsqlException("wrapped", error)), code);
        }
    }

    [Fact]
    public void A_server_error_decides_even_when_an_io_error_lies_below_it()
    {
        var error = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);

        Assert.False(LoadFailures.IsTransient(new InvalidOperationException("outer", error)));
        Assert.True(LoadFailures.IsTransient(new NpgsqlException("timed out", new TimeoutException())));
        Assert.True(LoadFailures.IsTransient(new EndOfStreamException()));
        Assert.False(LoadFailures.IsTransient(new InvalidOperationException("no cause")));
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException), false)]
    [InlineData(typeof(NullReferenceException), false)]
    [InlineData(typeof(ArgumentException), false)]
    [InlineData(typeof(IOException), true)]
    [InlineData(typeof(TimeoutException), true)]
    [InlineData(typeof(NpgsqlException), true)]
    [InlineData(typeof(TransactionEtl.Core.TransactionEtlException), true)]
    [InlineData(typeof(TransactionEtl.Core.TransientException), true)]
    public void Only_database_stream_and_own_failures_are_load_failures(Type type, bool expected)
    {
        var exception = (Exception)Activator.CreateInstance(type, "boom")!;

        Assert.Equal(expected, LoadFailures.IsLoadFailure(exception));
    }

    [Fact]
    public void Socket_errors_are_transient()
    {
        var error = new NpgsqlException("Exception while reading from stream", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));

        Assert.True(LoadFailures.Wrap(SourceIdentity.ForS3Object("b", "k", "v1", null), "the load failed", error).IsTransient);
    }

    [Fact]
    public void S3_identity_pins_content_by_version_or_etag_and_local_paths_do_not()
    {
        Assert.True(SourceIdentity.ForS3Object("bucket", "in/a.csv", "3HL4kqtJlcpXroDTDmJ", null).PinsContent);
        Assert.Equal("s3://bucket/in/a.csv#etag=abc", SourceIdentity.ForS3Object("bucket", "in/a.csv", null, "\"abc\"").Key);
        Assert.False(SourceIdentity.ForLocalFile("/tmp/a.csv").PinsContent);
        Assert.Equal(SourceIdentity.ForLocalFile("/tmp/x/../a.csv").Key, SourceIdentity.ForLocalFile("/tmp/a.csv").Key);
    }
}
