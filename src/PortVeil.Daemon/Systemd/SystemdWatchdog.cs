using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PortVeil.Daemon.Systemd;

/// <summary>
/// Sends "WATCHDOG=1" to systemd's notify socket at half of WatchdogSec while the daemon is healthy.
/// Microsoft.Extensions.Hosting.Systemd sends READY=1 and STOPPING=1 but never WATCHDOG=1, so without this a unit
/// with WatchdogSec= would be killed every WatchdogSec. When the pipeline has died (detection thread faulted, ban
/// loop ended) the pings stop and systemd restarts the service (Restart=on-failure in packaging/portveil.service).
/// </summary>
internal sealed class SystemdWatchdog : BackgroundService
{
    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("WATCHDOG=1");

    private readonly WatchdogSettings? _settings;
    private readonly Func<bool> _healthy;
    private readonly ILogger _logger;
    private long _pings;

    public SystemdWatchdog(WatchdogSettings? settings, Func<bool> healthy, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(healthy);
        _settings = settings;
        _healthy = healthy;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Pings sent so far.</summary>
    public long Pings => Interlocked.Read(ref _pings);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_settings is null)
        {
            return;
        }

        // "@name" is systemd's spelling of an abstract socket address, which starts with a NUL byte on the wire.
        var path = _settings.SocketPath[0] == '@' ? "\0" + _settings.SocketPath[1..] : _settings.SocketPath;
        var endpoint = new UnixDomainSocketEndPoint(path);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        using var timer = new PeriodicTimer(_settings.Interval);
        var reportedUnhealthy = false;
        SystemdLogMessages.WatchdogEnabled(_logger, _settings.Timeout, _settings.Interval);
        do
        {
            if (!_healthy())
            {
                if (!reportedUnhealthy)
                {
                    SystemdLogMessages.WatchdogWithheld(_logger);
                    reportedUnhealthy = true;
                }

                continue;
            }

            try
            {
                await socket.SendToAsync(Ping, SocketFlags.None, endpoint, stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _pings);
            }
            catch (SocketException e)
            {
                // systemd restarting or the socket gone: the next tick tries again; a missed ping is systemd's call.
                SystemdLogMessages.WatchdogSendFailed(_logger, e, _settings.SocketPath);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
