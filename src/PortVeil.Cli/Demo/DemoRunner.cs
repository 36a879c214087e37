using System.Diagnostics;
using PortVeil.Daemon;
using PortVeil.Daemon.Pipeline;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Cli.Demo;

/// <summary>
/// `portveil demo`: the same real nmap scan against a throwaway server twice, first unprotected, then protected by
/// a PortVeil daemon running in this process on the server's namespace (real NFLOG, real nftables, a temporary
/// SQLite file). Everything it creates is removed when it returns, throws or is cancelled.
/// </summary>
internal sealed class DemoRunner
{
    // After the protected scan ends, how long to wait for the ban to show up in the kernel set: a ban takes
    // ~0.3 s after the deciding probe (docs/benchmarks.md), so 10 s only bounds a broken run.
    private static readonly TimeSpan BanWait = TimeSpan.FromSeconds(10);

    private readonly string _ports;
    private readonly Action<string> _progress;

    public DemoRunner(string ports, Action<string> progress)
    {
        _ports = ports;
        _progress = progress;
    }

    public static void CheckPrerequisites()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new DemoException("the demo creates network namespaces and nftables tables: run it as root (sudo portveil demo)");
        }

        if (!NmapScan.IsInstalled())
        {
            throw new DemoException("nmap is not installed: apt-get install nmap (scripts/install-deps.sh installs it)");
        }

        if (!Enforcement.Nftables.NftContext.IsLibraryAvailable())
        {
            throw new DemoException("libnftables.so.1 is missing: apt-get install libnftables1");
        }
    }

    public async Task<DemoResult> RunAsync(CancellationToken cancellationToken)
    {
        var state = Directory.CreateTempSubdirectory("portveil-demo-");
        try
        {
            _progress("creating the lab: server 203.0.113.10 (ports 22, 80, 443; 8080 DNATed to a container), scanner 198.51.100.66");
            using var lab = DemoLab.Create();
            cancellationToken.ThrowIfCancellationRequested();

            _progress($"1/2 nmap -sS -T4 -p {_ports} against the unprotected server…");
            var unprotected = NmapScan.Run(lab.Scanner, DemoLab.ServerAddress, _ports, cancellationToken);

            _progress("2/2 starting PortVeil on the server, then the same scan again…");
            var clock = new Stopwatch();
            var log = new DemoBanLog(clock);
            var stages = new DaemonStages
            {
                NetworkNamespacePath = lab.ServerPath,
                Storage = new SqliteStoreOptions { Path = Path.Combine(state.FullName, "portveil.db") },
                HostName = "portveil-demo",
            };
            var daemon = new PortVeilDaemon(stages, log);
            try
            {
                await daemon.StartAsync(cancellationToken);
                clock.Start();
                var protectedScan = NmapScan.Run(lab.Scanner, DemoLab.ServerAddress, _ports, cancellationToken);
                var banned = await WaitForBanAsync(daemon, cancellationToken);
                return new DemoResult(
                    DemoLab.ServerAddress,
                    DemoLab.ScannerAddress,
                    [.. DemoLab.ServerPorts, DemoLab.PublishedPort],
                    unprotected,
                    protectedScan,
                    log.FirstBanAt,
                    log.FirstBan,
                    banned)
                {
                    DaemonErrors = [.. log.Errors],
                };
            }
            finally
            {
                await daemon.DisposeAsync();
            }
        }
        finally
        {
            try
            {
                state.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temporary directory: the OS cleans it eventually.
            }
        }
    }

    private static async Task<bool> WaitForBanAsync(PortVeilDaemon daemon, CancellationToken cancellationToken)
    {
        for (var deadline = Stopwatch.GetTimestamp() + (long)(BanWait.TotalSeconds * Stopwatch.Frequency);
             Stopwatch.GetTimestamp() < deadline;
             await Task.Delay(100, cancellationToken))
        {
            var bans = await daemon.Enforcer!.ListAsync(cancellationToken);
            if (bans.Any(b => b.Source.ToString() == DemoLab.ScannerAddress))
            {
                return true;
            }
        }

        return false;
    }
}
