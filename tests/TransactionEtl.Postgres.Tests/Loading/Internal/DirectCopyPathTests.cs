using System.Reflection;
using Npgsql;
using TransactionEtl.Postgres.Loading.Internal;
using TransactionEtl.Testing;

namespace TransactionEtl.Postgres.Tests.Loading.Internal;

/// <summary>
/// The direct path's COPY chunk must fill Npgsql's write buffer exactly as far as COPY mode leaves room: one byte more
/// and Npgsql sends each chunk with four sends (two empty CopyData messages and a lone header before the data).
/// </summary>
public sealed class DirectCopyPathTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData(4096)]
    [InlineData(65536)]
    [InlineData(262144)]
    public void A_chunk_is_the_room_npgsql_leaves_in_its_write_buffer_during_a_copy(int? writeBufferSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        if (writeBufferSize is { } size)
        {
            builder.WriteBufferSize = size;
        }

        using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        using var connection = dataSource.OpenConnection();
        using (var create = new NpgsqlCommand("CREATE TEMP TABLE target (n bigint)", connection))
        {
            create.ExecuteNonQuery();
        }

        var chunk = DirectCopyPath.CopyChunkBytes(connection);
        using var copy = connection.BeginRawBinaryCopy("COPY pg_temp.target (n) FROM STDIN (FORMAT BINARY)");

        Assert.Equal((writeBufferSize ?? 8192) - 10, chunk);
        Assert.Equal(WriteSpaceLeft(connection), chunk);
        copy.Cancel();
    }

    // Npgsql does not expose its write buffer; this reads the room left in it (internal members, stable since 6.0) so
    // that a change in how COPY mode uses the buffer fails here rather than silently costing sends.
    private static int WriteSpaceLeft(NpgsqlConnection connection)
    {
        const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var connector = typeof(NpgsqlConnection).GetProperty("Connector", Any)!.GetValue(connection)!;
        var buffer = connector.GetType().GetProperty("WriteBuffer", Any)!.GetValue(connector)!;
        return (int)buffer.GetType().GetProperty("WriteSpaceLeft", Any)!.GetValue(buffer)!;
    }
}
