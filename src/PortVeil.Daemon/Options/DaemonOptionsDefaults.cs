using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Logging;

namespace PortVeil.Daemon.Options;

/// <summary>Defaults of <see cref="DaemonOptions"/>, with their reasons.</summary>
public static class DaemonOptionsDefaults
{
    /// <summary>Off: a fresh install protects at once (the promise is a closed-looking host, not a report).</summary>
    public const bool DryRun = false;

    /// <summary>The FHS place for a daemon's variable state; the systemd unit's StateDirectory= creates it 0700.</summary>
    public const string StateDirectory = "/var/lib/portveil";

    /// <summary>Information: one line per ban and per start/stop, nothing per packet.</summary>
    public const LogLevel LogLevel = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>Auto: the journal's native protocol when systemd runs the daemon (fields to filter on), plain lines in a terminal.</summary>
    public const DaemonLogFormat LogFormat = DaemonLogFormat.Auto;

    /// <summary>Where the daemon and `portveil config` look for the configuration file.</summary>
    public const string ConfigPath = "/etc/portveil/portveil.toml";
}
