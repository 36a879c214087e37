using BenchmarkDotNet.Running;
using PortVeil.Benchmarks.Analysis;

namespace PortVeil.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        // Plain timing modes for measurements that BenchmarkDotNet cannot host (whole files, kernel I/O);
        // everything else goes through BenchmarkSwitcher.
        if (args.Length > 0 && args[0] == "analyze-throughput")
        {
            return AnalyzeThroughput.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
