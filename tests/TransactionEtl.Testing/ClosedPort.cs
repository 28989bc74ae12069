using System.Net;
using System.Net.Sockets;

namespace TransactionEtl.Testing;

/// <summary>
/// A loopback TCP port that refuses connections for as long as this object lives: the socket is bound but never
/// listens, so a connect gets a reset (ECONNREFUSED), and no other test or process can bind the port meanwhile.
/// A port probed free and released (<see cref="FreePort.Next"/>) can be taken by a parallel test's server
/// before the "refused" connect, which then reaches that server instead.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The held port.</summary>
    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
