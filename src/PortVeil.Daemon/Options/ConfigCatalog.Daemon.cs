using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Logging;
using PortVeil.Daemon.Options.Types;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Daemon()
    {
        const string S = "daemon";
        var logLevels = new EnumType<LogLevel>(
            ("trace", LogLevel.Trace), ("debug", LogLevel.Debug), ("information", LogLevel.Information),
            ("warning", LogLevel.Warning), ("error", LogLevel.Error), ("critical", LogLevel.Critical), ("none", LogLevel.None));
        return new ConfigSection(S, "The daemon itself: dry run, where it keeps state, how much it logs.",
        [
            ConfigKey.Create(S, "dry_run", BoolType.Instance,
                "Detect and record what would be banned, but ban nothing (like fail2ban's test mode). Use it for a first week on a busy host.",
                c => c.Daemon.DryRun, (c, v) => c.Daemon.DryRun = v, nameof(DaemonOptions.DryRun)),
            ConfigKey.Create(S, "state_dir", PathType.Instance,
                "Directory for the daemon's own state files (the database has its own path under [storage]).",
                c => c.Daemon.StateDirectory, (c, v) => c.Daemon.StateDirectory = v, nameof(DaemonOptions.StateDirectory)),
            ConfigKey.Create(S, "log_level", logLevels,
                "Least severe messages written to the journal; \"information\" logs one line per ban, nothing per packet.",
                c => c.Daemon.LogLevel, (c, v) => c.Daemon.LogLevel = v, nameof(DaemonOptions.LogLevel)),
            ConfigKey.Create(S, "log_format", new EnumType<DaemonLogFormat>(
                    ("auto", DaemonLogFormat.Auto), ("journal", DaemonLogFormat.Journal), ("console", DaemonLogFormat.Console), ("json", DaemonLogFormat.Json)),
                "\"journal\" writes journald's native protocol (filter with `journalctl PORTVEIL_TARGET=…`), \"console\" one text line per message, \"json\" one JSON object; \"auto\" = journal under systemd, else console.",
                c => c.Daemon.LogFormat, (c, v) => c.Daemon.LogFormat = v, nameof(DaemonOptions.LogFormat)),
        ], _ => []);
    }
}
