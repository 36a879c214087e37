using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using PortVeil.Core;
using PortVeil.Daemon.Operations;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Daemon.Tests.Operations;

/// <summary>
/// One database file seen by two sides, as in production: a "CLI" side (its own store connection and allowlist, no
/// daemon) and a "daemon" side (its own store, live allowlist, real policy, and the sync loop). No kernel.
/// </summary>
internal sealed class OperatorFixture : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "portveil-operator-" + Guid.NewGuid().ToString("N"));

    public OperatorFixture(params string[] staticAllow)
    {
        var path = Path.Combine(_dir, "portveil.db");
        var entries = new List<AllowlistEntry>();
        foreach (var s in staticAllow)
        {
            entries.Add(new AllowlistEntry(NetPrefix.Parse(s), AllowlistSource.Static, "static allowlist entry from configuration"));
        }

        CliStore = SqliteStore.Open(new SqliteStoreOptions { Path = path });
        DaemonStore = SqliteStore.Open(new SqliteStoreOptions { Path = path });
        Cli = new OperatorActions(CliStore, kernel: null, new LiveAllowlist(AllowlistIndex.Create(entries)), hostName: "cli-host");
        DaemonAllowlist = new LiveAllowlist(AllowlistIndex.Create(entries));
        Policy = new BanPolicy(new PolicyOptions(), DaemonAllowlist, new InMemoryOffenceHistory());
        Sync = new OperatorSyncLoop(DaemonStore, DaemonStore, DaemonAllowlist, pusher: null, Policy, enforcer: null, NullLogger.Instance);
    }

    public SqliteStore CliStore { get; }

    public SqliteStore DaemonStore { get; }

    public OperatorActions Cli { get; }

    public LiveAllowlist DaemonAllowlist { get; }

    public BanPolicy Policy { get; }

    public OperatorSyncLoop Sync { get; }

    public void Dispose()
    {
        CliStore.Dispose();
        DaemonStore.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
