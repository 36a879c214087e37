using PortVeil.Daemon.Fleet;
using PortVeil.Daemon.Options.Types;
using PortVeil.Storage;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Fleet()
    {
        const string S = "fleet";
        return new ConfigSection(S, "Fleet mode: hosts sharing one PostgreSQL database (storage.backend = \"postgresql\") enforce each other's bans within a second (docs/fleet.md).",
        [
            ConfigKey.Create(S, "host_name", new TextType("edge-1", allowEmpty: true),
                "This host's name in the bans, incidents and event rows it records (how the fleet tells origins apart; the CLI's `bans add` uses it too): 1 to 48 letters, digits, '.', '_' or '-' (PostgreSQL keeps 63 bytes of a session name, \"portveil fleet \" takes 15). Must differ on every host: a daemon that finds another one connected under its name logs a warning (docs/fleet.md). \"\" = the machine's host name; set it where names repeat or change (cloned machines, containers).",
                c => c.Fleet.HostName, (c, v) => c.Fleet.HostName = v, nameof(FleetOptions.HostName)),
            ConfigKey.Create(S, "enabled", BoolType.Instance,
                "Enforce here the bans other hosts make (LISTEN/NOTIFY, with catch-up after a disconnect). This host's allowlist still wins: an imported ban of an allowlisted address is refused and logged.",
                c => c.Fleet.Enabled, (c, v) => c.Fleet.Enabled = v, nameof(FleetOptions.Enabled)),
            ConfigKey.Create(S, "consensus", new IntegerType(1, 100, "hosts"),
                "Distinct hosts that must report a source before its ban is imported here; 1 = any one host's ban.",
                c => c.Fleet.Consensus, (c, v) => c.Fleet.Consensus = (int)v, nameof(FleetOptions.Consensus)),
            ConfigKey.Create(S, "consensus_window", new DurationType(TimeSpan.FromMinutes(1), TimeSpan.FromDays(7)),
                "How far back the reports of other hosts count towards the consensus.",
                c => c.Fleet.ConsensusWindow, (c, v) => c.Fleet.ConsensusWindow = v, nameof(FleetOptions.ConsensusWindow)),
            ConfigKey.Create(S, "correlation_hosts", new IntegerType(0, 100, "hosts"),
                "Cross-host correlation: a source whose probes failed (unserved ports, tripwires, stealth flags) on this many distinct hosts is banned fleet-wide as a distributed scan, even if no host saw enough to decide alone; 0 = off. Needs fleet.enabled.",
                c => c.Fleet.CorrelationHosts, (c, v) => c.Fleet.CorrelationHosts = (int)v, nameof(FleetOptions.CorrelationHosts)),
            ConfigKey.Create(S, "correlation_failures", new IntegerType(2, 1_000_000, "probes"),
                "Failed probes, summed over all hosts, a correlated source needs as well.",
                c => c.Fleet.CorrelationFailures, (c, v) => c.Fleet.CorrelationFailures = (int)v, nameof(FleetOptions.CorrelationFailures)),
            ConfigKey.Create(S, "correlation_prefix_sources", new IntegerType(0, 256, "sources"),
                "Multi-source correlation: this many distinct sources of one IPv4 /24 or IPv6 /64, each failing lightly (even one probe a host), make one fleet-wide decision as a distributed scan: a campaign ban of the /24 under the policy.campaign_* limits, a /64 ban, or per-member bans where the campaign is refused; 0 = off. Needs fleet.correlation_hosts above 0.",
                c => c.Fleet.CorrelationPrefixSources, (c, v) => c.Fleet.CorrelationPrefixSources = (int)v, nameof(FleetOptions.CorrelationPrefixSources)),
            ConfigKey.Create(S, "correlation_prefix_hosts", new IntegerType(1, 100, "hosts"),
                "Distinct hosts the sources of one prefix must have failed on, together.",
                c => c.Fleet.CorrelationPrefixHosts, (c, v) => c.Fleet.CorrelationPrefixHosts = (int)v, nameof(FleetOptions.CorrelationPrefixHosts)),
            ConfigKey.Create(S, "correlation_prefix_ports", new IntegerType(1, 65_535, "ports"),
                "Distinct unserved ports the sources of one prefix must have probed across the fleet, together.",
                c => c.Fleet.CorrelationPrefixPorts, (c, v) => c.Fleet.CorrelationPrefixPorts = (int)v, nameof(FleetOptions.CorrelationPrefixPorts)),
            ConfigKey.Create(S, "correlation_window", new DurationType(TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)),
                "How far back correlation counts failures (per-minute event rows of every host).",
                c => c.Fleet.CorrelationWindow, (c, v) => c.Fleet.CorrelationWindow = v, nameof(FleetOptions.CorrelationWindow)),
            ConfigKey.Create(S, "correlation_interval", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
                "How often this host runs the correlation query. Every host may run it: an advisory lock and a check in one transaction make one ban per scanner.",
                c => c.Fleet.CorrelationInterval, (c, v) => c.Fleet.CorrelationInterval = v, nameof(FleetOptions.CorrelationInterval)),
        ], c => [.. Annotations(c.Fleet), .. (c.Fleet.Enabled && c.StorageBackend != StorageBackend.Postgresql
            ? ["fleet.enabled needs storage.backend = \"postgresql\" (a SQLite file is not shared between hosts)"]
            : Array.Empty<string>())]);
    }
}
