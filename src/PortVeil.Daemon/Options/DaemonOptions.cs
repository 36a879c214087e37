using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Logging;

namespace PortVeil.Daemon.Options;

/// <summary>Settings of the daemon itself (not of one stage). Defaults: <see cref="DaemonOptionsDefaults"/>.</summary>
public sealed class DaemonOptions
{
    /// <summary>Detect and record what would be banned, but ban nothing.</summary>
    public bool DryRun { get; set; } = DaemonOptionsDefaults.DryRun;

    /// <summary>Where the daemon keeps its state (database, API token).</summary>
    public string StateDirectory { get; set; } = DaemonOptionsDefaults.StateDirectory;

    /// <summary>Least severe log messages written to the journal.</summary>
    public LogLevel LogLevel { get; set; } = DaemonOptionsDefaults.LogLevel;

    /// <summary>Journal (native protocol, structured fields), console text or JSON; auto picks the journal under systemd.</summary>
    public DaemonLogFormat LogFormat { get; set; } = DaemonOptionsDefaults.LogFormat;
}
