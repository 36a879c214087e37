using System.Globalization;
using PortVeil.Effectiveness.Running;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Scenarios;

/// <summary>
/// Every scenario, each a function that runs real scanners from the lab's scanner namespaces against the lab server
/// and returns what they reported. Each is bounded: by its port list, and by a process timeout.
/// </summary>
internal static class ScenarioCatalog
{
    // Decoys come from the scanners' own /24 (so the server's replies to them stay on the lab bridge and die
    // unanswered in ARP), far from any lab host (.101-.108 are scanners).
    private static readonly string[] DecoyAddresses = ["198.51.100.201", "198.51.100.202", "198.51.100.203"];

    // A dozen ports for the slow scan: the five open ones and seven closed ones a scanner commonly tries.
    private static readonly int[] SlowPorts = [21, 22, 23, 25, 53, 80, 110, 443, 3306, 8080, 8443, 9000];

    private static readonly TimeSpan FastTimeout = TimeSpan.FromMinutes(5);

    public static readonly IReadOnlyList<Scenario> All =
    [
        new("syn-t4", "nmap -sS -T4 (default top 1000 ports; --quick: --top-ports 100)", 1, 20, false, c => Nmap1(c, "-sS", "-T4")),
        new("connect", "nmap -sT -T4 (top 1000; --quick: top 100)", 1, 5, false, c => Nmap1(c, "-sT", "-T4")),
        new("fin", "nmap -sF -T4 (top 1000; --quick: top 100)", 1, 5, false, c => Nmap1(c, "-sF", "-T4")),
        new("null", "nmap -sN -T4 (top 1000; --quick: top 100)", 1, 5, false, c => Nmap1(c, "-sN", "-T4")),
        new("xmas", "nmap -sX -T4 (top 1000; --quick: top 100)", 1, 5, false, c => Nmap1(c, "-sX", "-T4")),
        new("udp", "nmap -sU -T4 --top-ports 50 (--quick: 20)", 1, 5, false, Udp),
        new("syn-t5", "nmap -sS -T5 (top 1000; --quick: top 100)", 1, 5, false, c => Nmap1(c, "-sS", "-T5")),
        new("slow-connect", "nmap -sT --scan-delay 21s --max-retries 0 -p " + string.Join(',', SlowPorts), 1, 3, true, Slow),
        new("bursts", "nmap -sS -T4 --max-retries 0, 14 ports per burst, 20 s pause, 4 bursts (--quick: 3) over 56 ports incl. the open ones", 1, 3, true, Bursts),
        new("decoys", "nmap -sS -T4 -D 198.51.100.201,198.51.100.202,198.51.100.203,ME (top 1000; --quick: top 100)", 1, 5, false, Decoys),
        new("distributed", "8 scanners, each nmap -sS -T4 on 1/8 of ports 1-1000,8080,8443 (--quick: 1-200,443,8080,8443), all at once", 8, 5, false, Distributed),
        new("masscan", "masscan --rate 500 -p 1-1000,8080,8443 (--quick: 1-200,443,8080,8443)", 1, 5, false, MasscanScan),
    ];

    public static Scenario Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}");

    private static string[] TopPorts(ScenarioContext c) => c.Quick ? ["--top-ports", "100"] : [];

    private static ScanOutcome Nmap1(ScenarioContext c, params string[] options)
    {
        var scanner = c.Lab.Scanners[0];
        var result = Nmap.Scan(scanner, LabTopology.ServerIPv4, ["-Pn", .. options, .. TopPorts(c)], FastTimeout);
        return Outcome([result], [scanner.IPv4], []);
    }

    private static ScanOutcome Udp(ScenarioContext c)
    {
        var scanner = c.Lab.Scanners[0];
        var result = Nmap.Scan(scanner, LabTopology.ServerIPv4, ["-Pn", "-sU", "-T4", "--top-ports", c.Quick ? "20" : "50"], FastTimeout);
        return Outcome([result], [scanner.IPv4], []);
    }

    private static ScanOutcome Slow(ScenarioContext c)
    {
        var scanner = c.Lab.Scanners[0];

        // 12 ports x 21 s = 252 s of nmap's own pacing; --max-retries 0 keeps it there (the kernel's connect()
        // still retransmits its SYN, as any connect scan's would).
        var result = Nmap.Scan(scanner, LabTopology.ServerIPv4,
            ["-Pn", "-sT", "--scan-delay", "21s", "--max-retries", "0", "-p", string.Join(',', SlowPorts)], TimeSpan.FromMinutes(8));
        return Outcome([result], [scanner.IPv4], []);
    }

    private static ScanOutcome Bursts(ScenarioContext c)
    {
        var scanner = c.Lab.Scanners[0];

        // 56 ports (1-51 holds 22 and 25; then 443, 3306, 5432, 8080, 8443), shuffled with a fixed seed so every
        // run probes the same bursts, 14 per burst: the "14 fast probes then a 20 s pause" pattern.
        var ports = Enumerable.Range(1, 51).Concat([443, 3306, 5432, 8080, 8443]).ToArray();
        new Random(56).Shuffle(ports);
        var bursts = c.Quick ? 3 : 4;
        var results = new List<NmapResult>();
        for (var b = 0; b < bursts; b++)
        {
            if (b > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds(20));
            }

            var slice = string.Join(',', ports.Skip(b * 14).Take(14).Select(p => p.ToString(CultureInfo.InvariantCulture)));
            results.Add(Nmap.Scan(scanner, LabTopology.ServerIPv4, ["-Pn", "-sS", "-T4", "--max-retries", "0", "-p", slice], TimeSpan.FromMinutes(2)));
        }

        return Outcome(results, [scanner.IPv4], []);
    }

    private static ScanOutcome Decoys(ScenarioContext c)
    {
        var scanner = c.Lab.Scanners[0];
        var decoys = string.Join(',', DecoyAddresses) + ",ME";
        var result = Nmap.Scan(scanner, LabTopology.ServerIPv4, ["-Pn", "-sS", "-T4", "-D", decoys, .. TopPorts(c)], FastTimeout);
        return Outcome([result], [scanner.IPv4], DecoyAddresses);
    }

    private static ScanOutcome Distributed(ScenarioContext c)
    {
        var range = c.Quick ? Enumerable.Range(1, 200).Concat([443, 8080, 8443]) : Enumerable.Range(1, 1000).Concat([8080, 8443]);
        var ports = range.ToArray();
        var scanners = c.Lab.Scanners;
        var tasks = new List<Task<NmapResult>>();
        for (var i = 0; i < scanners.Count; i++)
        {
            // Slice i takes every 8th port from i: each source touches 1/8 of the list, spread over it.
            var slice = string.Join(',', ports.Where((_, index) => index % scanners.Count == i).Select(p => p.ToString(CultureInfo.InvariantCulture)));
            var scanner = scanners[i];
            tasks.Add(Task.Run(() => Nmap.Scan(scanner, LabTopology.ServerIPv4, ["-Pn", "-sS", "-T4", "-p", slice], FastTimeout)));
        }

        Task.WaitAll(tasks);
        return Outcome([.. tasks.Select(t => t.Result)], [.. scanners.Select(s => s.IPv4)], []);
    }

    private static ScanOutcome MasscanScan(ScenarioContext c)
    {
        var scanner = c.Lab.Scanners[0];
        var open = Masscan.Scan(scanner, c.Lab.Server, c.Quick ? "1-200,443,8080,8443" : "1-1000,8080,8443", rate: 500, waitSeconds: 2);
        return new ScanOutcome(open, [], [scanner.IPv4], []);
    }

    private static ScanOutcome Outcome(IReadOnlyList<NmapResult> results, IReadOnlyList<string> scanners, IReadOnlyList<string> decoys)
    {
        var open = new SortedSet<int>();
        var openOrFiltered = new SortedSet<int>();
        foreach (var r in results)
        {
            foreach (var p in r.Ports)
            {
                if (p.State == "open")
                {
                    open.Add(p.Port);
                }
                else if (p.State == "open|filtered" && p.Protocol == "tcp" && LabServices.ReachablePorts.Contains(p.Port))
                {
                    // Listed one by one, so told apart from the rest of the scan (closed ports answered RST): the
                    // scanner has learned this served port is there.
                    openOrFiltered.Add(p.Port);
                }
            }
        }

        return new ScanOutcome([.. open], [.. openOrFiltered], scanners, decoys);
    }
}
