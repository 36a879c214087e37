using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>
/// A temp state directory with a real SQLite database and a configuration file (192.0.2.0/24 allowlisted, gateway,
/// resolver and SSH discovery off so results do not depend on the machine), and helpers to run operator verbs on
/// them. The verbs run with --no-kernel: the kernel parts are tested in namespaces (IntegrationTests).
/// </summary>
public sealed class OperatorState : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("portveil-cli-operator-");

    public OperatorState()
    {
        DatabasePath = Path.Combine(_dir.FullName, "portveil.db");
        ConfigPath = Path.Combine(_dir.FullName, "portveil.toml");
        File.WriteAllText(ConfigPath, "[policy]\nallow = [\"192.0.2.0/24\"]\nallow_gateway = false\nallow_resolvers = false\nallow_admin_ssh = false\n");
    }

    public string DatabasePath { get; }

    public string ConfigPath { get; }

    /// <summary>Runs `portveil VERB… --config … --database … [--no-kernel]`.</summary>
    public (int ExitCode, string Out, string Err) Run(params string[] args) => CliRunner.Run([.. args, "--config", ConfigPath, "--database", DatabasePath]);

    public (int ExitCode, string Out, string Err) RunNoKernel(params string[] args) => Run([.. args, "--no-kernel"]);

    public SqliteStore OpenStore() => SqliteStore.Open(new SqliteStoreOptions { Path = DatabasePath });

    /// <summary>Records an nmap SYN scan incident and the ban it led to, as the daemon would.</summary>
    public async Task<Guid> RecordScanAsync(string source, DateTimeOffset decided, TimeSpan banFor)
    {
        using var store = OpenStore();
        var address = NetAddress.Parse(source);
        var banId = Guid.CreateVersion7();
        await store.RecordBanAsync(new BanRecord
        {
            Id = banId,
            Target = BanTarget.ForAddress(address),
            Reason = "trw: 5 failures, 0 successes (nmap)",
            Detector = DetectorKind.Trw,
            Scan = ScanKind.Syn,
            Tool = ScannerTool.Nmap,
            StartedAt = decided,
            ExpiresAt = decided + banFor,
            EscalationLevel = 1,
            OriginHost = "lab-server",
        });
        var ns = (decided - DateTimeOffset.UnixEpoch).Ticks * 100;
        await store.RecordIncidentAsync(new IncidentRecord
        {
            Id = Guid.CreateVersion7(),
            BanId = banId,
            OriginHost = "lab-server",
            Verdict = new Verdict
            {
                Source = SourceKey.ForAddress(address),
                Scan = ScanKind.Syn,
                Detector = DetectorKind.Trw,
                Tool = ScannerTool.Nmap,
                DecidedAtNs = ns,
                SourceVerified = true,
                Evidence = new Evidence
                {
                    Detector = DetectorKind.Trw,
                    Score = 6.931,
                    Threshold = 4.595,
                    Summary = "TRW: 5 failures, 0 successes; ln Λ 6.93 ≥ ln(η1) 4.60",
                    Probes = 7,
                    PortsProbed = [21, 22, 23, 25, 80, 443, 8080],
                    ClosedPorts = [21, 23, 25, 8080],
                    OpenPortsReached = [22, 443],
                    FlagsSeen = TcpFlags.Syn,
                    Tool = ScannerTool.Nmap,
                    FingerprintDetail = "window 1024, lone MSS 1460",
                    HostsProbed = 1,
                    FirstSeenNs = ns - 2_500_000_000,
                    LastSeenNs = ns,
                },
            },
        });
        return banId;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
