using System.Diagnostics;
using System.Globalization;
using PortVeil.Cli.Analysis;

namespace PortVeil.Benchmarks.Analysis;

/// <summary>
/// `analyze-throughput FILE [RUNS]`: the whole offline pipeline (read, decode, classify, detect, report) on one
/// file, repeated in one process after a warm-up; prints the median and best wall time.
/// </summary>
internal static class AnalyzeThroughput
{
    public static int Run(string[] args)
    {
        var file = args.Length > 0 ? args[0] : throw new ArgumentException("usage: analyze-throughput FILE [RUNS]");
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var analyzer = new CaptureAnalyzer([], []);
        long packets = 0;
        for (var i = 0; i < 3; i++)
        {
            packets = analyzer.Analyze(file).Packets;
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            analyzer.Analyze(file);
            times[i] = sw.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        var median = times[runs / 2];
        Console.WriteLine(FormattableString.Invariant($"packets {packets}"));
        Console.WriteLine(FormattableString.Invariant($"median_ms {median:F2}"));
        Console.WriteLine(FormattableString.Invariant($"best_ms {times[0]:F2}"));
        Console.WriteLine(FormattableString.Invariant($"packets_per_s {packets / (median / 1000):F0}"));
        return 0;
    }
}
