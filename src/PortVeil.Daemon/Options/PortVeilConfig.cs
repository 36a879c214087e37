using PortVeil.Daemon.Notifications;
using PortVeil.Detection;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.Policy;
using PortVeil.Enforcement.ServedPorts;
using PortVeil.Sensors.Nflog;
using PortVeil.Storage.Postgres;
using PortVeil.Storage.Sqlite;
using PortVeil.Storage;

namespace PortVeil.Daemon.Options;

/// <summary>
/// The effective settings of PortVeil: one property per stage holding that stage's own options object, as
/// <see cref="ConfigLoader"/> filled it from portveil.toml over the stage's defaults. A new stage adds a property
/// here and its keys to <see cref="ConfigCatalog"/>.
/// </summary>
public sealed class PortVeilConfig
{
    /// <summary>[daemon]: dry run, state directory, log level.</summary>
    public DaemonOptions Daemon { get; set; } = new();

    /// <summary>[sensor]: the NFLOG socket.</summary>
    public NflogOptions Sensor { get; set; } = new();

    /// <summary>[detection]: the engine's thresholds and tables.</summary>
    public DetectionOptions Detection { get; set; } = new();

    /// <summary>[kernel]: the enforcer, with the `table inet portveil` it builds in <see cref="NftEnforcerOptions.Ruleset"/>.</summary>
    public NftEnforcerOptions Enforcement { get; set; } = new();

    /// <summary>What a verdict becomes (durations, escalation, budgets).</summary>
    public PolicyOptions Policy { get; set; } = new();

    /// <summary>Who is never banned (static networks and what is discovered).</summary>
    public AllowlistOptions Allowlist { get; set; } = new();

    /// <summary>[kernel]: served-port discovery (listening sockets, Docker-published ports, ports always served).</summary>
    public ServedPortWatcherOptions ServedPorts { get; set; } = new();

    /// <summary>[storage] backend: SQLite (one host) or PostgreSQL (a fleet).</summary>
    public StorageBackend StorageBackend { get; set; } = StorageBackend.Sqlite;

    /// <summary>[storage]: the SQLite database.</summary>
    public SqliteStoreOptions Sqlite { get; set; } = new();

    /// <summary>[storage] postgresql_*: the PostgreSQL database a fleet shares.</summary>
    public PostgresStoreOptions Postgres { get; set; } = new();

    /// <summary>[fleet]: bans shared between hosts through PostgreSQL.</summary>
    public Fleet.FleetOptions Fleet { get; set; } = new();

    /// <summary>[storage]: how long rows are kept.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>[storage]: the batched writer in front of the database.</summary>
    public EventWriterOptions EventWriter { get; set; } = new();

    /// <summary>[notifications] and [[webhooks]]: the incident log file and webhooks.</summary>
    public NotificationOptions Notifications { get; set; } = new();
    /// <summary>[api]: the HTTP API, dashboard and /metrics.</summary>
    public Api.ApiOptions Api { get; set; } = new();

    /// <summary>Shorthand for the ruleset inside <see cref="Enforcement"/>.</summary>
    public PortVeilRulesetOptions Ruleset => Enforcement.Ruleset;
}
