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

    /// <summary>Probes of two unverified sources to the same host and port this close in time coincide (nmap -D sends its decoys back to back).</summary>
    public TimeSpan DecoyWindow { get; set; } = TimeSpan.FromMilliseconds(DetectionOptionsDefaults.DecoyWindowMilliseconds);

    /// <summary>Coincident ports that make a decoy cohort (and a member of it); 0 turns decoy-cohort detection off.</summary>
    public int DecoyMinPorts { get; set; } = DetectionOptionsDefaults.DecoyMinPorts;

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

    /// <summary>Every problem with these settings, named by property; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Ways < 1 || Ways > 64)
        {
            problems.Add($"{nameof(Ways)} must be 1..64 (is {Ways}).");
        }

        if (Capacity < Math.Max(1, Ways) || Capacity > 100_000_000)
        {
            problems.Add($"{nameof(Capacity)} must be between {nameof(Ways)} and 100,000,000 (is {Capacity}).");
        }

        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromMinutes(10))
        {
            problems.Add($"{nameof(Window)} must be between 0 and 10 minutes (is {Window}).");
        }

        if (!(TrwTheta1 > 0 && TrwTheta1 < TrwTheta0 && TrwTheta0 < 1))
        {
            problems.Add($"{nameof(TrwTheta1)} < {nameof(TrwTheta0)} must both lie in (0, 1) (are {TrwTheta1} and {TrwTheta0}).");
        }

        if (!(TrwAlpha > 0 && TrwAlpha < TrwBeta && TrwBeta < 1))
        {
            problems.Add($"{nameof(TrwAlpha)} < {nameof(TrwBeta)} must both lie in (0, 1) (are {TrwAlpha} and {TrwBeta}).");
        }

        if (WindowWeightThreshold < 1 || ClosedPortThreshold < 1 || StealthThreshold < 1 || SweepMinHosts < 2 || DistributedMinSources < 2 || DistributedMinClosedPorts < 1)
        {
            problems.Add("Thresholds must be positive (sweeps and distributed groups need at least 2 hosts / sources).");
        }

        if (SuspectRetention < BenignRetention || BenignRetention <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(SuspectRetention)} must be at least {nameof(BenignRetention)}, and both positive.");
        }

        if (GroupCapacity < 4 || GroupVerdictBudget < 1)
        {
            problems.Add($"{nameof(GroupCapacity)} must be at least 4 and {nameof(GroupVerdictBudget)} at least 1.");
        }

        if (DecoyWindow <= TimeSpan.Zero || DecoyWindow > TimeSpan.FromSeconds(1) || DecoyMinPorts is < 0 or 1 or > 64)
        {
            problems.Add($"{nameof(DecoyWindow)} must be in (0, 1 s] and {nameof(DecoyMinPorts)} 0 (off) or 2..64 (are {DecoyWindow} and {DecoyMinPorts}).");
        }

        return problems;
    }
}
