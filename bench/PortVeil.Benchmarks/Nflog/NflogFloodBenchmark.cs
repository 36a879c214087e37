using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Benchmarks.Nflog;

/// <summary>
/// Live NFLOG throughput, which BenchmarkDotNet cannot measure (it needs namespaces, a flood and a kernel):
/// a lab server logs and drops every SYN of an hping3 --flood from a scanner namespace, an NflogSource with
/// default options reads them, and a consumer thread drains the channel. Reports what the kernel logged
/// (nft rule counter), what the source decoded, events/s, overruns and channel drops.
/// </summary>
/// <remarks>Run as root: `dotnet run -c Release --project bench/PortVeil.Benchmarks -- nflog-flood [seconds]`.</remarks>
public static partial class NflogFloodBenchmark
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 1 && !args[1].StartsWith('-') ? double.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        var group = NflogDefaults.Group.ToString(CultureInfo.InvariantCulture);
        // No conntrack (no ct, no NAT): the flood cannot fill a conntrack table.
        var rules = $$"""
            table inet pvbench {
                chain pre {
                    type filter hook prerouting priority mangle; policy accept;
                    iifname "eth0" tcp flags & (syn | ack) == syn counter log group {{group}} prefix "pv:unserved" drop
                }
            }
            """;
        lab.Server.Exec("nft", ["-f", "-"], TestTimeouts.Command, rules).EnsureSuccess("nft");

        // `--qthreshold N` sets the kernel batch (NFULA_CFG_QTHRESH): 1 is the latency setting, 32 the default.
        var q = Array.IndexOf(args, "--qthreshold");
        var options = q > 0 && q + 1 < args.Length
            ? new NflogOptions { QueueThreshold = int.Parse(args[q + 1], CultureInfo.InvariantCulture) }
            : new NflogOptions();
        using var source = lab.Server.RunInside(() => NflogSource.Open(options));
        long consumed = 0;
        var consumer = new Thread(() =>
        {
            while (source.TryRead(out _))
            {
                consumed++;
            }
        })
        { IsBackground = true, Name = "bench consumer" };
        consumer.Start();

        var clock = Stopwatch.StartNew();
        Hping.Flood(lab.Scanners[0], LabTopology.ServerIPv4, 9, TimeSpan.FromSeconds(seconds));
        var floodEnd = clock.Elapsed;
        // Let the reader finish what the kernel already queued (bounded: 2 s).
        var last = source.Counters.Packets;
        for (var i = 0; i < 20; i++)
        {
            Thread.Sleep(100);
            var now = source.Counters.Packets;
            if (now == last)
            {
                break;
            }

            last = now;
        }

        var elapsed = clock.Elapsed;
        var counters = source.Counters;
        var listing = lab.Server.Exec("nft", "list", "chain", "inet", "pvbench", "pre").EnsureSuccess("nft list").StdOut;
        var logged = long.Parse(CounterPackets().Match(listing).Groups[1].Value, CultureInfo.InvariantCulture);
        source.Dispose();
        consumer.Join(TimeSpan.FromSeconds(5));

        var output = Console.Out;
        output.WriteLine($"flood {floodEnd.TotalSeconds:F2} s, measured until drained {elapsed.TotalSeconds:F2} s");
        output.WriteLine($"options: copy range {options.CopyRange}, nlbufsiz {options.KernelBufferSize}, qthresh {options.QueueThreshold}, timeout {options.FlushTimeoutCentiseconds}0 ms, SO_RCVBUF granted {source.ReceiveBufferSize} bytes, channel {options.ChannelCapacity}");
        output.WriteLine($"kernel logged (nft counter): {logged} packets, {logged / floodEnd.TotalSeconds:F0}/s");
        output.WriteLine($"source decoded: {counters.Packets} packets in {counters.Messages} netlink messages, {counters.Packets / elapsed.TotalSeconds:F0} events/s");
        output.WriteLine($"consumer read: {consumed}; overruns (ENOBUFS): {counters.Overruns}; channel drops: {counters.Dropped}; parse errors: {counters.ParseErrors}");
        output.WriteLine($"lost in the kernel: {Math.Max(0, logged - counters.Packets)} ({100.0 * Math.Max(0, logged - counters.Packets) / Math.Max(1, logged):F1} %)");
        return 0;
    }

    // counter packets 12345 bytes 678 log group ...
    [GeneratedRegex(@"counter packets (\d+)")]
    private static partial Regex CounterPackets();
}
