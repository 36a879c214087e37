using System.Globalization;
using PortVeil.Core;

namespace PortVeil.Enforcement.ServedPorts;

/// <summary>
/// Listening sockets from /proc/thread-self/net/{tcp,tcp6,udp,udp6}: the calling thread's network namespace
/// (/proc/net would show the main thread's). Sockets bound only to loopback are not served to the outside.
/// <code>
///   sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
///    0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0     0       1234 ...
/// </code>
/// Addresses are hex of host-order 32-bit words; ports are big hex. TCP state 0A is LISTEN; an unconnected UDP
/// socket is state 07 with remote port 0.
/// </summary>
public static class ProcNetListeners
{
    private const string TcpListen = "0A";
    private const string UdpUnconnected = "07";

    /// <summary>Adds every served port of the calling thread's namespace to <paramref name="into"/>.</summary>
    public static void Read(ISet<ServedPort> into, string procRoot = "/proc/thread-self/net")
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var (file, protocol, state) in new[]
        {
            ("tcp", IpProtocol.Tcp, TcpListen), ("tcp6", IpProtocol.Tcp, TcpListen),
            ("udp", IpProtocol.Udp, UdpUnconnected), ("udp6", IpProtocol.Udp, UdpUnconnected),
        })
        {
            var path = Path.Combine(procRoot, file);
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (IOException)
            {
                continue; // IPv6 disabled: no tcp6/udp6.
            }

            for (var i = 1; i < lines.Length; i++)
            {
                if (TryParseLine(lines[i], state, out var port, out var loopback) && !loopback)
                {
                    into.Add(new ServedPort(protocol, port));
                }
            }
        }
    }

    /// <summary>Parses one table line; true when its state is <paramref name="wantedState"/> with no remote port.</summary>
    public static bool TryParseLine(string line, string wantedState, out ushort port, out bool loopback)
    {
        ArgumentNullException.ThrowIfNull(line);
        port = 0;
        loopback = false;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4 || fields[3] != wantedState)
        {
            return false;
        }

        var local = fields[1].Split(':');
        var remote = fields[2].Split(':');
        if (local.Length != 2 || remote.Length != 2 || remote[1] != "0000"
            || !ushort.TryParse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        loopback = IsLoopback(local[0]);
        return true;
    }

    private static bool IsLoopback(string hex)
    {
        if (hex.Length == 8)
        {
            // 127.0.0.0/8: the first byte is the lowest of the host-order (little-endian) word.
            return hex.EndsWith("7F", StringComparison.OrdinalIgnoreCase);
        }

        // ::1 and ::ffff:127.x.y.z.
        return hex.Equals("00000000000000000000000001000000", StringComparison.Ordinal)
            || (hex.StartsWith("0000000000000000FFFF0000", StringComparison.OrdinalIgnoreCase) && hex.EndsWith("7F", StringComparison.OrdinalIgnoreCase));
    }
}
