using PortVeil.Daemon.Notifications;
using PortVeil.Detection;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.ServedPorts;
using PortVeil.Sensors.Nflog;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Daemon.Pipeline;

/// <summary>Every stage's options, as the daemon wires them; built from the configuration file.</summary>
public sealed class DaemonStages
{
    public DetectionOptions Detection { get; init; } = new();

    public NflogOptions Nflog { get; init; } = new();

    /// <summary>
    /// Rehearse the ban path at start, before the sensor opens (<see cref="BanPathWarmUp"/>); not a config key:
    /// off only to measure what it saves (`ban-path-latency --no-warmup`).
    /// </summary>
    public bool WarmUpBanPath { get; init; } = true;

    /// <summary>Rehearsal rounds of the warm-up (<see cref="BanPathWarmUp.DefaultRounds"/>); for measuring only.</summary>
    internal int WarmUpRounds { get; init; } = BanPathWarmUp.DefaultRounds;

    public NftEnforcerOptions Enforcer { get; init; } = new();

    public ServedPortWatcherOptions ServedPorts { get; init; } = new();

    public PolicyOptions Policy { get; init; } = new();

    public AllowlistOptions Allowlist { get; init; } = new();

    public SqliteStoreOptions Storage { get; init; } = new();

    /// <summary>Which database: <see cref="Storage"/> (SQLite) or <see cref="Postgres"/>.</summary>
    public StorageBackend StorageBackend { get; init; } = StorageBackend.Sqlite;

    public PostgresStoreOptions Postgres { get; init; } = new();

    /// <summary>Fleet propagation (PostgreSQL backend only).</summary>
    public Fleet.FleetOptions Fleet { get; init; } = new();

    public EventWriterOptions Writer { get; init; } = new();

    public RetentionOptions Retention { get; init; } = new();

    /// <summary>The incident log file and webhooks.</summary>
    public NotificationOptions Notifications { get; init; } = new();
    /// <summary>The HTTP API, dashboard and /metrics; null runs without them (tests, benchmarks, [api] enabled = false).</summary>
    public Api.ApiOptions? Api { get; init; }

    /// <summary>This host's name in ban records (fleets tell origins apart by it): fleet.host_name, or the machine's name (<see cref="Fleet.FleetOptions.EffectiveHostName"/>).</summary>
    public string HostName { get; init; } = Environment.MachineName;

    /// <summary>
    /// A network namespace file to protect instead of the daemon's own (/var/run/netns/NAME): every socket and
    /// /proc/thread-self/net read happens there. Tests protect a lab server this way; null protects this host.
    /// </summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>The daemon's stages as the configuration file sets them.</summary>
    public static DaemonStages From(Options.PortVeilConfig config, bool forceDryRun = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Policy.DryRun |= config.Daemon.DryRun || forceDryRun;
        return new DaemonStages
        {
            Detection = config.Detection,
            Nflog = config.Sensor,
            Enforcer = config.Enforcement,
            ServedPorts = config.ServedPorts,
            Policy = config.Policy,
            Allowlist = config.Allowlist,
            Storage = config.Sqlite,
            StorageBackend = config.StorageBackend,
            Postgres = config.Postgres,
            Fleet = config.Fleet,
            Writer = config.EventWriter,
            Retention = config.Retention,
            Notifications = config.Notifications,
            Api = config.Api.Enabled ? config.Api : null,
            HostName = config.Fleet.EffectiveHostName,
        };
    }

    /// <summary>How often the allowlist is re-discovered (gateway, resolvers, own addresses, admin SSH sessions).</summary>
    public TimeSpan AllowlistRefresh { get; init; } = TimeSpan.FromSeconds(5);
}
