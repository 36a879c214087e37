using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Logging;
using PortVeil.Daemon.Pipeline;
using PortVeil.Daemon.Systemd;

namespace PortVeil.Daemon;

/// <summary>The generic host that runs <see cref="PortVeilDaemon"/> under systemd (Type=notify) or in a terminal.</summary>
public static class DaemonHost
{
    public static IHost Build(DaemonStages stages, LogLevel minimumLevel = LogLevel.Information, DaemonLogFormat logFormat = DaemonLogFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ConfigureLogging(builder.Logging, minimumLevel, logFormat);

        // Under systemd: sd_notify READY/STOPPING/WATCHDOG and journald-friendly console output.
        builder.Services.AddSystemd();
        builder.Services.AddSingleton(stages);
        builder.Services.AddSingleton<PortVeilDaemon>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PortVeilDaemon>());

        // AddSystemd never sends WATCHDOG=1; this does, while the pipeline is alive (WatchdogSec= in the unit).
        builder.Services.AddHostedService(sp => new SystemdWatchdog(
            WatchdogSettings.FromEnvironment(),
            sp.GetRequiredService<PortVeilDaemon>().IsHealthy,
            sp.GetRequiredService<ILogger<SystemdWatchdog>>()));
        return builder.Build();
    }

    /// <summary>
    /// The daemon's log output: the journal's native protocol under systemd (structured fields, a plain MESSAGE),
    /// else single-line console text or JSON. Tests build their loggers through this same method.
    /// </summary>
    public static void ConfigureLogging(ILoggingBuilder logging, LogLevel minimumLevel, DaemonLogFormat format, string journalSocket = JournalLoggerProvider.DefaultSocket)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.SetMinimumLevel(minimumLevel);
        if (format == DaemonLogFormat.Auto)
        {
            format = JournalLoggerProvider.IsJournalAvailable(journalSocket) ? DaemonLogFormat.Journal : DaemonLogFormat.Console;
        }

        switch (format)
        {
            case DaemonLogFormat.Journal:
                logging.AddProvider(new JournalLoggerProvider(journalSocket));
                break;
            case DaemonLogFormat.Json:
                logging.AddJsonConsole(o =>
                {
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                });
                break;
            default:
                logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
                    o.UseUtcTimestamp = true;
                });
                break;
        }
    }
}
