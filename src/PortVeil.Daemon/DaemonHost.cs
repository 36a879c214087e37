using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Pipeline;
using PortVeil.Daemon.Systemd;

namespace PortVeil.Daemon;

/// <summary>The generic host that runs <see cref="PortVeilDaemon"/> under systemd (Type=notify) or in a terminal.</summary>
public static class DaemonHost
{
    public static IHost Build(DaemonStages stages, LogLevel minimumLevel = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            o.UseUtcTimestamp = true;
        });

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
}
