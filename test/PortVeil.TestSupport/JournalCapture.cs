using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace PortVeil.TestSupport;

/// <summary>
/// Stands in for journald's socket: a Unix datagram socket in a temporary directory that receives what a logger
/// sends in systemd's native journal protocol and parses each datagram into its fields (both the "NAME=value"
/// and the length-prefixed binary form). Removed in Dispose.
/// </summary>
public sealed class JournalCapture : IDisposable
{
    private readonly string _directory;
    private readonly Socket _socket;

    public JournalCapture()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"pv-journal-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        SocketPath = Path.Combine(_directory, "socket");
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
    }

    public string SocketPath { get; }

    /// <summary>Receives datagrams until one satisfies <paramref name="match"/> or <paramref name="timeout"/> passes; null then.</summary>
    public IReadOnlyDictionary<string, string>? WaitFor(Func<IReadOnlyDictionary<string, string>, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = DateTime.UtcNow + timeout;
        var buffer = new byte[256 * 1024];
        while (DateTime.UtcNow < deadline)
        {
            if (!_socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
            {
                continue;
            }

            var n = _socket.Receive(buffer);
            var fields = Parse(buffer.AsSpan(0, n));
            if (match(fields))
            {
                return fields;
            }
        }

        return null;
    }

    /// <summary>One datagram of the native protocol into its fields (a repeated name keeps the last value).</summary>
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> datagram)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while (datagram.Length > 0)
        {
            var newline = datagram.IndexOf((byte)'\n');
            var equals = datagram.IndexOf((byte)'=');
            if (newline < 0)
            {
                throw new InvalidDataException("a field without its closing newline");
            }

            if (equals >= 0 && equals < newline)
            {
                fields[Encoding.ASCII.GetString(datagram[..equals])] = Encoding.UTF8.GetString(datagram[(equals + 1)..newline]);
                datagram = datagram[(newline + 1)..];
                continue;
            }

            // NAME\n, 64-bit little-endian length, value, \n
            var name = Encoding.ASCII.GetString(datagram[..newline]);
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(datagram.Slice(newline + 1, 8));
            var start = newline + 9;
            fields[name] = Encoding.UTF8.GetString(datagram.Slice(start, length));
            if (datagram[start + length] != (byte)'\n')
            {
                throw new InvalidDataException($"binary field {name} is not followed by a newline");
            }

            datagram = datagram[(start + length + 1)..];
        }

        return fields;
    }

    public void Dispose()
    {
        _socket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
