using System.Net;
using PortVeil.Core;
using PortVeil.Daemon.Options.Types;
using PortVeil.Detection;
using PortVeil.Enforcement.ServedPorts;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Detection()
    {
        const string S = "detection";
        var probability = new FloatType(0, 1);
        return new ConfigSection(S, "Who counts as a scanner: thresholds of each detector (docs/detectors.md explains them).",
        [
            ConfigKey.Create(S, "window", new DurationType(TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)),
                "Fast-scan window (scanlogd's delay): probes further apart than this start a new window.",
                c => c.Detection.Window, (c, v) => c.Detection.Window = v, nameof(DetectionOptions.Window)),
            ConfigKey.Create(S, "window_threshold", new IntegerType(1, 100_000),
                "Port weight within one window that flags a fast scan: privileged and commonly scanned ports weigh 3, others 1.",
                c => c.Detection.WindowWeightThreshold, (c, v) => c.Detection.WindowWeightThreshold = (int)v, nameof(DetectionOptions.WindowWeightThreshold)),
            ConfigKey.Create(S, "closed_port_threshold", new IntegerType(1, 65_535),
                "Distinct closed ports that flag a source at any speed, even one that also reached open ports.",
                c => c.Detection.ClosedPortThreshold, (c, v) => c.Detection.ClosedPortThreshold = (int)v, nameof(DetectionOptions.ClosedPortThreshold)),
            ConfigKey.Create(S, "stealth_threshold", new IntegerType(1, 1_000),
                "Distinct never-legitimate probes (NULL, FIN, XMAS, SYN+FIN) that flag a source.",
                c => c.Detection.StealthThreshold, (c, v) => c.Detection.StealthThreshold = (int)v, nameof(DetectionOptions.StealthThreshold)),
            ConfigKey.Create(S, "trw_theta0", probability,
                "TRW: chance that a benign source's first contact succeeds (Jung et al. 2004).",
                c => c.Detection.TrwTheta0, (c, v) => c.Detection.TrwTheta0 = v, nameof(DetectionOptions.TrwTheta0)),
            ConfigKey.Create(S, "trw_theta1", probability,
                "TRW: chance that a scanner's first contact succeeds; must be below trw_theta0.",
                c => c.Detection.TrwTheta1, (c, v) => c.Detection.TrwTheta1 = v, nameof(DetectionOptions.TrwTheta1)),
            ConfigKey.Create(S, "trw_alpha", probability,
                "TRW: tolerated share of benign sources called scanners (false positives); lower needs more failures.",
                c => c.Detection.TrwAlpha, (c, v) => c.Detection.TrwAlpha = v, nameof(DetectionOptions.TrwAlpha)),
            ConfigKey.Create(S, "trw_beta", probability,
                "TRW: share of scanners that must be caught; must be above trw_alpha.",
                c => c.Detection.TrwBeta, (c, v) => c.Detection.TrwBeta = v, nameof(DetectionOptions.TrwBeta)),
            ConfigKey.Create(S, "slow_scan_retention", new DurationType(TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)),
                "How long a source with any failed probe is remembered, so one probe every few minutes still adds up.",
                c => c.Detection.SuspectRetention, (c, v) => c.Detection.SuspectRetention = v, nameof(DetectionOptions.SuspectRetention)),
            ConfigKey.Create(S, "benign_retention", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
                "How long a source with only successful connections is remembered; must not exceed slow_scan_retention.",
                c => c.Detection.BenignRetention, (c, v) => c.Detection.BenignRetention = v, nameof(DetectionOptions.BenignRetention)),
            ConfigKey.Create(S, "tripwire_ports", new PortListType(allowProtocols: false, maxPorts: 1024),
                "Ports nothing should serve; one touch is strong evidence (ignored while a service listens there).",
                c => (IReadOnlyList<ServedPort>)[.. c.Detection.TripwirePorts.Select(p => new ServedPort(IpProtocol.Tcp, p))],
                (c, v) => Replace(c.Detection.TripwirePorts, v.Select(p => p.Port)), nameof(DetectionOptions.TripwirePorts)),
            ConfigKey.Create(S, "max_tracked_sources", new IntegerType(64, 100_000_000, "sources"),
                "Sources tracked at once (128 bytes each, allocated at start); the oldest are evicted when full.",
                c => c.Detection.Capacity, (c, v) => c.Detection.Capacity = (int)v, nameof(DetectionOptions.Capacity)),
            ConfigKey.Create(S, "sweep_min_hosts", new IntegerType(2, 1_000_000, "hosts"),
                "Destination hosts one source must touch before it is a sweep across addresses.",
                c => c.Detection.SweepMinHosts, (c, v) => c.Detection.SweepMinHosts = (int)v, nameof(DetectionOptions.SweepMinHosts)),
            ConfigKey.Create(S, "distributed_min_sources", new IntegerType(2, 65_535, "sources"),
                "Failing sources in one /24, /64 or fingerprint group before the group is a distributed scan.",
                c => c.Detection.DistributedMinSources, (c, v) => c.Detection.DistributedMinSources = (int)v, nameof(DetectionOptions.DistributedMinSources)),
            ConfigKey.Create(S, "distributed_min_closed_ports", new IntegerType(1, 65_535, "ports"),
                "Distinct closed ports a group's members touched together before it counts.",
                c => c.Detection.DistributedMinClosedPorts, (c, v) => c.Detection.DistributedMinClosedPorts = (int)v, nameof(DetectionOptions.DistributedMinClosedPorts)),
            ConfigKey.Create(S, "distributed_window", new DurationType(TimeSpan.FromMinutes(1), TimeSpan.FromDays(7)),
                "A group forgets members after this long without a new failure.",
                c => c.Detection.DistributedWindow, (c, v) => c.Detection.DistributedWindow = v, nameof(DetectionOptions.DistributedWindow)),
            ConfigKey.Create(S, "decoy_window", new DurationType(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1)),
                "Probes of two unverified sources to the same port this close in time coincide (nmap -D sends its decoys back to back).",
                c => c.Detection.DecoyWindow, (c, v) => c.Detection.DecoyWindow = v, nameof(DetectionOptions.DecoyWindow)),
            ConfigKey.Create(S, "decoy_min_ports", new IntegerType(0, 64),
                "Coincident ports that make unverified sources a decoy cohort (restricted, not banned); 0 turns decoy detection off. 1 is refused.",
                c => c.Detection.DecoyMinPorts, (c, v) => c.Detection.DecoyMinPorts = (int)v, nameof(DetectionOptions.DecoyMinPorts)),
            ConfigKey.Create(S, "ignore_networks", new CidrListType(4096),
                "Sources never tracked or flagged (like fail2ban's ignoreip); loopback is always ignored.",
                c => (IReadOnlyList<IPNetwork>)[.. c.Detection.Allowlist.Select(n => new IPNetwork(n.Network.ToIPAddress(), n.PrefixLength))],
                (c, v) => Replace(c.Detection.Allowlist, v.Select(n => (NetAddress.FromIPAddress(n.BaseAddress), n.PrefixLength))),
                nameof(DetectionOptions.Allowlist)),
        ], c => c.Detection.Validate());
    }

    private static void Replace<T>(IList<T> list, IEnumerable<T> values)
    {
        list.Clear();
        foreach (var v in values)
        {
            list.Add(v);
        }
    }
}
