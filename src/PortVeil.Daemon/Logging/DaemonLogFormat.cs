namespace PortVeil.Daemon.Logging;

/// <summary>Where and how the daemon writes its log ([daemon] log_format).</summary>
public enum DaemonLogFormat
{
    /// <summary>The journal's native protocol when systemd connected stderr to the journal (JOURNAL_STREAM set), else console.</summary>
    Auto = 0,

    /// <summary>systemd's native journal protocol: MESSAGE is the plain message, every template value is its own field.</summary>
    Journal = 1,

    /// <summary>One line per message on stdout: "2026-11-25 16:00:00 warn: Category[1100] [portveil] Ban …".</summary>
    Console = 2,

    /// <summary>One JSON object per message on stdout (Microsoft.Extensions.Logging's JSON console formatter).</summary>
    Json = 3,
}
