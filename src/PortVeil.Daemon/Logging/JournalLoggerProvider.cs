using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PortVeil.Daemon.Logging;

/// <summary>
/// Writes log messages straight to journald over its native socket, so each message's template values become
/// fields a user can filter on: <c>journalctl -t portveil PORTVEIL_EVENT_ID=1100 PORTVEIL_TARGET=203.0.113.7</c>.
/// MESSAGE is the message alone (no level, category or time prefix), which is what fail2ban's journal backend and
/// SIEM collectors match.
/// </summary>
/// <remarks>
/// One datagram per message; sending never blocks for long (a local datagram socket) and a failure (journald
/// restarting) is counted in <see cref="SendFailures"/> and otherwise ignored: logging must never stop a ban.
/// </remarks>
public sealed class JournalLoggerProvider : ILoggerProvider
{
    /// <summary>Where journald listens for native-protocol datagrams.</summary>
    public const string DefaultSocket = "/run/systemd/journal/socket";

    public const string Identifier = "portveil";

    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endpoint;
    private readonly Lock _lock = new();
    private long _sendFailures;

    public JournalLoggerProvider(string socketPath = DefaultSocket)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketPath);
        SocketPath = socketPath;
        _endpoint = new UnixDomainSocketEndPoint(socketPath);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    public string SocketPath { get; }

    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>True when systemd connected this process's output to the journal and journald's socket exists.</summary>
    public static bool IsJournalAvailable(string socketPath = DefaultSocket) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM")) && File.Exists(socketPath);

    public ILogger CreateLogger(string categoryName) => new JournalLogger(this, categoryName);

    internal void Send(byte[] datagram)
    {
        try
        {
            lock (_lock)
            {
                _socket.SendTo(datagram, SocketFlags.None, _endpoint);
            }
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendFailures);
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendFailures);
        }
    }

    public void Dispose() => _socket.Dispose();
}
