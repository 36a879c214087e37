using PortVeil.Core;

namespace PortVeil.Cli.Reporting;

/// <summary>The rankings and series a report draws, computed from its incidents.</summary>
internal static class ReportAggregates
{
    /// <summary>Bucket sizes tried in order; the first that needs at most <see cref="MaxBuckets"/> columns wins.</summary>
    private static readonly TimeSpan[] BucketSizes =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10),
        TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(7),
    ];

    /// <summary>72 columns: three days by the hour, a clear chart at 760 px.</summary>
    public const int MaxBuckets = 72;

    public static TimeSpan BucketSize(DateTimeOffset first, DateTimeOffset last)
    {
        var span = last - first;
        foreach (var size in BucketSizes)
        {
            if (span.Ticks / size.Ticks + 1 <= MaxBuckets)
            {
                return size;
            }
        }

        return TimeSpan.FromTicks(span.Ticks / MaxBuckets + 1);
    }

    /// <summary>Counts per bucket from the first to the last time, empty buckets included (a gap is information).</summary>
    public static List<(DateTimeOffset Start, long Value)> Series(IReadOnlyList<(DateTimeOffset At, long Value)> points, out TimeSpan bucket)
    {
        bucket = TimeSpan.FromMinutes(1);
        if (points.Count == 0)
        {
            return [];
        }

        var first = points.Min(p => p.At);
        var last = points.Max(p => p.At);
        bucket = BucketSize(first, last);
        var origin = new DateTimeOffset(first.UtcTicks - first.UtcTicks % bucket.Ticks, TimeSpan.Zero);
        var count = (int)((last.UtcTicks - origin.UtcTicks) / bucket.Ticks) + 1;
        var values = new long[count];
        foreach (var (at, value) in points)
        {
            values[(at.UtcTicks - origin.UtcTicks) / bucket.Ticks] += value;
        }

        var series = new List<(DateTimeOffset, long)>(count);
        for (var i = 0; i < count; i++)
        {
            series.Add((origin + bucket * i, values[i]));
        }

        return series;
    }

    public static List<(string Label, long Value)> Top<T>(IEnumerable<T> items, Func<T, string> key, int take) =>
        [.. items.GroupBy(key).Select(g => (g.Key, (long)g.Count())).OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).Take(take)];

    /// <summary>The /24 (IPv4) or /64 (IPv6) network of a source, as subnet bans and the distributed detector group them.</summary>
    public static string Subnet(ReportIncident i) =>
        i.IsPrefix ? i.Source : i.Address.IsIPv4 ? $"{i.Address.Mask(24)}/24" : $"{i.Address.Mask(64)}/64";

    /// <summary>Each port with the number of distinct scanners that probed it.</summary>
    public static List<(string Label, long Value)> PortsProbed(IReadOnlyList<ReportIncident> incidents, int take)
    {
        var scanners = new Dictionary<ushort, HashSet<string>>();
        foreach (var i in incidents)
        {
            foreach (var p in i.PortsProbed)
            {
                if (!scanners.TryGetValue(p, out var set))
                {
                    scanners[p] = set = [];
                }

                set.Add(i.Source);
            }
        }

        return [.. scanners.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key).Take(take)
            .Select(kv => (PortLabel(kv.Key), (long)kv.Value.Count))];
    }

    /// <summary>Per scanner: every incident merged (ports, exposure, tools, probes), most exposed first.</summary>
    public static List<ScannerSummary> Scanners(IReadOnlyList<ReportIncident> incidents)
    {
        var bySource = new Dictionary<string, ScannerSummary>(StringComparer.Ordinal);
        foreach (var i in incidents)
        {
            if (!bySource.TryGetValue(i.Source, out var s))
            {
                bySource[i.Source] = s = new ScannerSummary(i.Source) { First = i.DecidedAt, Last = i.DecidedAt };
            }

            s.Incidents++;
            s.Probes += i.Probes;
            s.Ports.UnionWith(i.PortsProbed);
            s.Exposed.UnionWith(i.OpenPortsReached);
            s.Scans.Add(ScanNames.Of(i.Scan));
            s.Tools.Add(ScanNames.Of(i.Tool));
            s.Detectors.Add(ScanNames.Of(i.Detector));
            s.Banned |= i.Banned;
            s.First = i.DecidedAt < s.First ? i.DecidedAt : s.First;
            s.Last = i.DecidedAt > s.Last ? i.DecidedAt : s.Last;
        }

        return [.. bySource.Values.OrderByDescending(s => s.Exposed.Count).ThenByDescending(s => s.Incidents).ThenBy(s => s.Source, StringComparer.Ordinal)];
    }

    private static string PortLabel(ushort port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
