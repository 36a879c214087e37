using System.Globalization;

namespace PortVeil.Cli.Analysis;

/// <summary>Packet time (ns since the Unix epoch) as text.</summary>
internal static class Timestamps
{
    public static DateTimeOffset ToDateTime(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100);

    /// <summary>ISO 8601 UTC with microseconds, as the corpus truth files write it.</summary>
    public static string Iso(long ns) => ToDateTime(ns).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    public static string Span(long fromNs, long toNs)
    {
        var s = Math.Max(0, toNs - fromNs) / 1e9;
        return s switch
        {
            < 1 => $"{s * 1000:0} ms",
            < 120 => $"{s:0.0} s",
            < 7200 => $"{s / 60:0.0} min",
            _ => $"{s / 3600:0.0} h",
        };
    }
}
