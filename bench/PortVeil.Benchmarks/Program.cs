using System.Globalization;
using BenchmarkDotNet.Running;
using PortVeil.Benchmarks.Analysis;
using PortVeil.Benchmarks.Detection;
using PortVeil.Benchmarks.Enforcement;
using PortVeil.Benchmarks.Nflog;
using PortVeil.Benchmarks.Sensors;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        // Measurements that BenchmarkDotNet cannot host (whole files, memory of a full table, namespaces and a live
        // kernel) run as plain console modes; everything else goes through BenchmarkSwitcher.
        switch (args.Length > 0 ? args[0] : "")
        {
            case "nflog-flood":
                return NflogFloodBenchmark.Run(args);
            case "pcap-vs-tcpdump":
                return PcapVsTcpdump.Run(args);
            case "spoofed-sources":
                return Daemon.SpoofedSourcesBenchmark.Run(args);
            case "ban-path-latency":
                return Daemon.BanPathLatency.Run(args);
            case "fleet-propagation":
                return Fleet.FleetPropagationLatency.Run(args);
            case "analyze-throughput":
                return AnalyzeThroughput.Run(args[1..]);
            case "detection-memory":
                DetectionMemoryReport.Run(Console.Out);
                return 0;
            case "ban-latency":
                BanLatencyProbe.Run(Console.Out, CountArgument(args, 2000), new NftEnforcerOptions
                {
                    Watchdog = !args.Contains("--no-watchdog"),
                    NetlinkMonitor = !args.Contains("--no-monitor"),
                }, NamedInt(args, "--gap", 0), args.Contains("--inline"));
                return 0;
            case "repair-latency":
                RepairLatencyProbe.Run(Console.Out, CountArgument(args, 20), new NftEnforcerOptions { NetlinkMonitor = !args.Contains("--no-monitor") });
                return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int NamedInt(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) ? n : fallback;
    }

    private static int CountArgument(string[] args, int fallback) =>
        args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : fallback;
}
