using PortVeil.Core;

namespace PortVeil.Detection;

/// <summary>Every tunable of the detection engine; defaults and their reasons live in <see cref="DetectionOptionsDefaults"/>.</summary>
public sealed class DetectionOptions
{
    /// <summary>Tracked sources (addresses and IPv6 /64s) at most. Memory is Capacity × 128 bytes, allocated up front.</summary>
    public int Capacity { get; set; } = DetectionOptionsDefaults.Capacity;

    /// <summary>Entries per hash bucket; eviction happens inside a bucket.</summary>
    public int Ways { get; set; } = DetectionOptionsDefaults.Ways;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(DetectionOptionsDefaults.WindowSeconds);

    public int WindowWeightThreshold { get; set; } = DetectionOptionsDefaults.WindowWeightThreshold;

    public int PrivilegedPortWeight { get; set; } = DetectionOptionsDefaults.PrivilegedPortWeight;

    public int OtherPortWeight { get; set; } = DetectionOptionsDefaults.OtherPortWeight;

    public double TrwTheta0 { get; set; } = DetectionOptionsDefaults.TrwTheta0;

    public double TrwTheta1 { get; set; } = DetectionOptionsDefaults.TrwTheta1;

    public double TrwAlpha { get; set; } = DetectionOptionsDefaults.TrwAlpha;

    public double TrwBeta { get; set; } = DetectionOptionsDefaults.TrwBeta;

    public int ClosedPortThreshold { get; set; } = DetectionOptionsDefaults.ClosedPortThreshold;

    public int StealthThreshold { get; set; } = DetectionOptionsDefaults.StealthThreshold;

    public TimeSpan SuspectRetention { get; set; } = TimeSpan.FromHours(DetectionOptionsDefaults.SuspectRetentionHours);

    public TimeSpan BenignRetention { get; set; } = TimeSpan.FromMinutes(DetectionOptionsDefaults.BenignRetentionMinutes);

    public int SweepMinHosts { get; set; } = DetectionOptionsDefaults.SweepMinHosts;

    public int SweepClassifyHosts { get; set; } = DetectionOptionsDefaults.SweepClassifyHosts;

    public int DistributedMinSources { get; set; } = DetectionOptionsDefaults.DistributedMinSources;

    public int DistributedMinClosedPorts { get; set; } = DetectionOptionsDefaults.DistributedMinClosedPorts;

    public TimeSpan DistributedWindow { get; set; } = TimeSpan.FromMinutes(DetectionOptionsDefaults.DistributedWindowMinutes);

    public int GroupVerdictBudget { get; set; } = DetectionOptionsDefaults.GroupVerdictBudget;

    public int GroupCapacity { get; set; } = DetectionOptionsDefaults.GroupCapacity;

    public int EphemeralPortStart { get; set; } = DetectionOptionsDefaults.EphemeralPortStart;

    /// <summary>Ports nothing should ever serve; a touch is strong evidence (ignored while the port is served).</summary>
    public IList<ushort> TripwirePorts { get; } = [23, 135, 139, 445, 1433, 3389, 5900, 6379];

    /// <summary>High ports scanners try first (weigh like privileged ports in the window threshold).</summary>
    public IList<ushort> CommonlyScannedPorts { get; } =
        [1080, 1433, 1521, 2049, 2375, 3128, 3306, 3389, 5432, 5900, 5985, 6379, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 9090, 9200, 11211, 27017];

    /// <summary>Sources never tracked or flagged (admin, gateway, monitoring). Loopback and unspecified are always excluded.</summary>
    public IList<(NetAddress Network, int PrefixLength)> Allowlist { get; } = [];

    /// <summary>Secret for the table's keyed hash; 0 = random per engine (the default: attackers cannot aim at one bucket).</summary>
    public ulong HashSecret { get; set; }
}
