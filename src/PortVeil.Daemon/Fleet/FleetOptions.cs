using System.ComponentModel.DataAnnotations;

namespace PortVeil.Daemon.Fleet;

/// <summary>[fleet]: bans made by one host enforced on every host sharing the PostgreSQL database.</summary>
public sealed class FleetOptions
{
    /// <summary>
    /// This host's name in the records it makes (bans, incidents, event rows), by which a fleet tells origins apart;
    /// "" = the machine's host name. Set it where host names are not unique or not stable: containers with random
    /// names, cloned machines.
    /// </summary>
    [RegularExpression(FleetOptionsDefaults.HostNamePattern, ErrorMessage = FleetOptionsDefaults.HostNameProblem)]
    public string HostName { get; set; } = "";

    /// <summary>The name this host records under: <see cref="HostName"/>, or the machine's host name when it is empty.</summary>
    /// <remarks>
    /// The daemon (DaemonStages.HostName) and the CLI's operator verbs both use it, so a ban added with `bans add` carries the daemon's name.
    /// A machine name is not limited to 48 characters as <see cref="HostName"/> is (Linux allows 64): it is recorded in
    /// full, and only the duplicate-name check (<see cref="FleetHostNameCheck"/>) sees it clipped, as PostgreSQL stores it.
    /// </remarks>
    public string EffectiveHostName => string.IsNullOrEmpty(HostName) ? Environment.MachineName : HostName;

    /// <summary>Import the other hosts' bans (needs storage.backend = "postgresql"). This host's bans are always announced.</summary>
    public bool Enabled { get; set; }

    /// <summary>Distinct hosts that must have reported a source before its ban is imported here; 1 = any single host.</summary>
    [Range(1, 100)]
    public int Consensus { get; set; } = FleetOptionsDefaults.Consensus;

    /// <summary>How far back reports count towards <see cref="Consensus"/>.</summary>
    public TimeSpan ConsensusWindow { get; set; } = FleetOptionsDefaults.ConsensusWindow;

    /// <summary>How often the importer re-reads recent bans even without a notification (a safety net for dropped ones).</summary>
    public TimeSpan CatchUpInterval { get; set; } = FleetOptionsDefaults.CatchUpInterval;

    /// <summary>Distinct hosts a source must have failed on (unserved ports, tripwires, stealth probes) for a distributed-scan ban; 0 = correlation off.</summary>
    [Range(0, 100)]
    public int CorrelationHosts { get; set; } = FleetOptionsDefaults.CorrelationHosts;

    /// <summary>Failed probes, summed over every host, a correlated source needs as well.</summary>
    [Range(2, 1_000_000)]
    public int CorrelationFailures { get; set; } = FleetOptionsDefaults.CorrelationFailures;

    /// <summary>
    /// Distinct sources of one IPv4 /24 or IPv6 /64 that must have failed across the fleet for a multi-source
    /// distributed-scan decision (each may have sent a single probe a host); 0 = prefix correlation off.
    /// </summary>
    [Range(0, 256)]
    public int CorrelationPrefixSources { get; set; } = FleetOptionsDefaults.CorrelationPrefixSources;

    /// <summary>Distinct hosts the sources of one prefix must have failed on, together.</summary>
    [Range(1, 100)]
    public int CorrelationPrefixHosts { get; set; } = FleetOptionsDefaults.CorrelationPrefixHosts;

    /// <summary>Distinct unserved ports the sources of one prefix must have probed across the fleet, together.</summary>
    [Range(1, 65_535)]
    public int CorrelationPrefixPorts { get; set; } = FleetOptionsDefaults.CorrelationPrefixPorts;

    /// <summary>How far back (whole minutes of event aggregates) correlation looks.</summary>
    public TimeSpan CorrelationWindow { get; set; } = FleetOptionsDefaults.CorrelationWindow;

    /// <summary>How often this host runs the correlation query.</summary>
    public TimeSpan CorrelationInterval { get; set; } = FleetOptionsDefaults.CorrelationInterval;
}
