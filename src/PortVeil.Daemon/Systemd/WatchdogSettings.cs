using System.Globalization;

namespace PortVeil.Daemon.Systemd;

/// <summary>
/// What systemd tells a service with WatchdogSec= through its environment: NOTIFY_SOCKET (where to send), and
/// WATCHDOG_USEC / WATCHDOG_PID (how often, and for which process), as sd_watchdog_enabled(3) reads them.
/// </summary>
/// <param name="SocketPath">The notify socket: a path, or an abstract address written with a leading '@'.</param>
/// <param name="Timeout">WATCHDOG_USEC: systemd kills the service when no ping arrives for this long.</param>
public sealed record WatchdogSettings(string SocketPath, TimeSpan Timeout)
{
    /// <summary>
    /// sd_watchdog_enabled(3) recommends pinging at half the timeout: one late ping (a GC pause, a busy core) still
    /// leaves a second chance before systemd gives up.
    /// </summary>
    public TimeSpan Interval => Timeout / 2;

    /// <summary>Reads this process's environment; null when the watchdog is not enabled for it.</summary>
    public static WatchdogSettings? FromEnvironment() =>
        FromValues(
            Environment.GetEnvironmentVariable("NOTIFY_SOCKET"),
            Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
            Environment.GetEnvironmentVariable("WATCHDOG_PID"),
            Environment.ProcessId);

    /// <summary>
    /// Null when any value is missing or malformed, or when WATCHDOG_PID names another process (a child that
    /// inherited the environment must not ping on its parent's behalf).
    /// </summary>
    public static WatchdogSettings? FromValues(string? notifySocket, string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (string.IsNullOrEmpty(notifySocket)
            || !long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec)
            || usec <= 0)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(watchdogPid)
            && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId))
        {
            return null;
        }

        return new WatchdogSettings(notifySocket, TimeSpan.FromTicks(usec * 10));
    }
}
