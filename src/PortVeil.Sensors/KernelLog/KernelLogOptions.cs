namespace PortVeil.Sensors.KernelLog;

/// <summary>How to date kernel log lines whose stamps leave things out.</summary>
public sealed class KernelLogOptions
{
    /// <summary>
    /// Year of the first classic syslog line ("Nov 25 16:32:36" has none). Null: taken from the file's
    /// modification time (or now, for a stream).
    /// </summary>
    public int? Year { get; init; }

    /// <summary>Zone of syslog and zone-less ISO stamps. Null: the machine's local zone, as rsyslog writes them.</summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>Boot time (ns since the epoch) for bare dmesg lines that carry only the uptime; 0 by default.</summary>
    public long BootTimeNs { get; init; }
}
