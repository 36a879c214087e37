using BenchmarkDotNet.Running;
using PortVeil.Benchmarks.Nflog;
using PortVeil.Benchmarks.Sensors;

namespace PortVeil.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        // Live measurements that need namespaces and a kernel run as plain console modes; the rest is BDN.
        if (args.Length > 0 && args[0] == "nflog-flood")
        {
            return NflogFloodBenchmark.Run(args);
        }

        if (args.Length > 0 && args[0] == "pcap-vs-tcpdump")
        {
            return PcapVsTcpdump.Run(args);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
