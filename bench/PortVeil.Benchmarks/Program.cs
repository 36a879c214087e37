using BenchmarkDotNet.Running;

namespace PortVeil.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["ban-latency", ..])
        {
            var options = new PortVeil.Enforcement.Nftables.NftEnforcerOptions
            {
                Watchdog = !args.Contains("--no-watchdog"),
                NetlinkMonitor = !args.Contains("--no-monitor"),
            };
            var count = args.Length > 1 && int.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 2000;
            Enforcement.BanLatencyProbe.Run(Console.Out, count, options);
            return;
        }

        if (args is ["repair-latency", ..])
        {
            var options = new PortVeil.Enforcement.Nftables.NftEnforcerOptions { NetlinkMonitor = !args.Contains("--no-monitor") };
            var rounds = args.Length > 1 && int.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 20;
            Enforcement.RepairLatencyProbe.Run(Console.Out, rounds, options);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
