using Microsoft.Extensions.Logging;

namespace PortVeil.Daemon.Systemd;

/// <summary>Log messages of the systemd integration; event ids 1900-1949 belong to it.</summary>
internal static partial class SystemdLogMessages
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Information, Message = "systemd watchdog enabled: timeout {Timeout}, ping every {Interval}")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan timeout, TimeSpan interval);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Error, Message = "The daemon pipeline stopped; withholding watchdog pings so systemd restarts PortVeil")]
    public static partial void WatchdogWithheld(ILogger logger);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Warning, Message = "Sending WATCHDOG=1 to {Socket} failed")]
    public static partial void WatchdogSendFailed(ILogger logger, Exception exception, string socket);
}
