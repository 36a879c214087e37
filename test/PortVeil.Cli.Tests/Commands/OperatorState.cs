using Microsoft.Data.Sqlite;
using Npgsql;
using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>
/// A temp directory with a configuration file (192.0.2.0/24 allowlisted, gateway, resolver and SSH discovery off
/// so results do not depend on the machine) whose [storage] selects a real database of one backend: a SQLite file
/// in the directory (created by the first verb that writes), or a fresh database in a shared throwaway PostgreSQL
/// cluster. Verbs run with `--config` only, so they find the database as `portveil run` does; with --no-kernel the
/// kernel is not touched (the kernel parts are tested in namespaces, IntegrationTests).
/// </summary>
public sealed class OperatorState : IDisposable
{
    private const string Policy = "[policy]\nallow = [\"192.0.2.0/24\"]\nallow_gateway = false\nallow_resolvers = false\nallow_admin_ssh = false\n";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("portveil-cli-operator-");
    private readonly PostgresCluster? _cluster;

    /// <summary>A SQLite state: storage.path is portveil.db in the temp directory.</summary>
    public OperatorState()
        : this(null)
    {
    }

    /// <summary>A PostgreSQL state on <paramref name="cluster"/> (a new empty database); SQLite when null.</summary>
    public OperatorState(PostgresCluster? cluster)
    {
        _cluster = cluster;
        DatabasePath = Path.Combine(_dir.FullName, "portveil.db");
        ConfigPath = Path.Combine(_dir.FullName, "portveil.toml");
        if (cluster is null)
        {
            Backend = StorageBackend.Sqlite;
            ConfigText = Policy + $"[storage]\npath = \"{DatabasePath}\"\n";
        }
        else
        {
            Backend = StorageBackend.Postgresql;
            PostgresDatabase = cluster.CreateDatabase("pvcli");
            ConfigText = Policy + $"[storage]\nbackend = \"postgresql\"\npostgresql_connection = \"{cluster.ConnectionString(PostgresDatabase)}\"\n";
        }

        File.WriteAllText(ConfigPath, ConfigText);
    }

    public StorageBackend Backend { get; }

    /// <summary>The SQLite file of a SQLite state (absent until a verb or <see cref="OpenStore"/> creates it).</summary>
    public string DatabasePath { get; }

    /// <summary>The database's name in the cluster of a PostgreSQL state; null for SQLite.</summary>
    public string? PostgresDatabase { get; }

    public string ConfigPath { get; }

    /// <summary>What <see cref="ConfigPath"/> held at the start.</summary>
    public string ConfigText { get; }

    /// <summary>Runs `portveil VERB… --config …`.</summary>
    public (int ExitCode, string Out, string Err) Run(params string[] args) => CliRunner.Run([.. args, "--config", ConfigPath]);

    public (int ExitCode, string Out, string Err) RunNoKernel(params string[] args) => Run([.. args, "--no-kernel"]);

    /// <summary>The same database through the store API the daemon writes with.</summary>
    public IPortVeilStore OpenStore() => _cluster is null
        ? SqliteStore.Open(new SqliteStoreOptions { Path = DatabasePath })
        : PostgresStore.Open(new PostgresStoreOptions { ConnectionString = _cluster.ConnectionString(PostgresDatabase!) });

    /// <summary>Runs SQL of the test's own on a PostgreSQL state's database (psql, outside the CLI).</summary>
    public string Sql(string sql) => _cluster is null ? throw new InvalidOperationException("not a PostgreSQL state") : _cluster.Sql(PostgresDatabase!, sql);

    /// <summary>
    /// Records an nmap SYN scan incident and the ban it led to, as the daemon would; with <paramref name="prefixLength"/>
    /// 24 (IPv4) or 64 (IPv6) the incident's source and the ban are the network (a campaign's subnet ban).
    /// </summary>
    public async Task<Guid> RecordScanAsync(string source, DateTimeOffset decided, TimeSpan banFor, int? prefixLength = null)
    {
        using var store = OpenStore();
        var address = NetAddress.Parse(source);
        var target = prefixLength is { } length ? new BanTarget(address, length) : BanTarget.ForAddress(address);
        Assert.True(SourceKey.TryForNetwork(target.Address, target.PrefixLength, out var key));
        var banId = Guid.CreateVersion7();
        await store.RecordBanAsync(new BanRecord
        {
            Id = banId,
            Target = target,
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
                Source = key,
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
        if (_cluster is not null)
        {
            NpgsqlConnection.ClearAllPools();
            _cluster.Sql("postgres", $"DROP DATABASE IF EXISTS {PostgresDatabase} WITH (FORCE)");
        }

        _dir.Delete(recursive: true);
    }
}
