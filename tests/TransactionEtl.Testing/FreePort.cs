using System.Net;
using System.Net.Sockets;

namespace TransactionEtl.Testing;

/// <summary>A loopback TCP port nobody listens on right now.</summary>
public static class FreePort
{
    /// <summary>Asks the OS for an ephemeral port and releases it for the caller's server.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
