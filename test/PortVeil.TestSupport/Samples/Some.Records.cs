using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.TestSupport.Samples;

public static partial class Some
{
    /// <summary>The ban the daemon records for the sample scan (change the rest with <c>with</c>).</summary>
    public static BanRecord Ban(NetAddress target, DateTimeOffset started, TimeSpan duration, int level = 0, bool dryRun = false) => new()
    {
        Id = Guid.CreateVersion7(started),
        Target = BanTarget.ForAddress(target),
        Reason = BanReason,
        Detector = DetectorKind.Trw,
        Scan = ScanKind.Syn,
        Tool = ScannerTool.Nmap,
        StartedAt = started,
        ExpiresAt = started + duration,
        EscalationLevel = level,
        OriginHost = Host,
        DryRun = dryRun,
    };

    /// <summary>A 10-minute ban of <paramref name="target"/> that starts now.</summary>
    public static BanRecord Ban(string target = "203.0.113.7") => Ban(NetAddress.Parse(target), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(10));

    /// <summary>The incident behind <paramref name="verdict"/>, optionally linked to the ban it led to.</summary>
    public static IncidentRecord Incident(Verdict verdict, Guid? banId = null) => new()
    {
        Id = Guid.CreateVersion7(At(verdict.DecidedAtNs)),
        Verdict = verdict,
        BanId = banId,
        OriginHost = Host,
    };

    /// <summary>The incident of the sample scan by <paramref name="source"/>.</summary>
    public static IncidentRecord Incident(NetAddress source, DateTimeOffset decided, Guid? banId = null) =>
        Incident(Verdict(source, decided), banId);

    /// <summary>One minute of TCP events from <paramref name="source"/>, its first packet at <paramref name="at"/>.</summary>
    public static EventAggregate Event(NetAddress source, DateTimeOffset at, long packets = 10, int ports = 3, PacketTag tag = PacketTag.Unserved)
    {
        var ms = at.ToUnixTimeMilliseconds();
        return new EventAggregate
        {
            Source = source,
            BucketStartMs = EventAggregate.BucketOf(ms),
            Protocol = IpProtocol.Tcp,
            Tag = tag,
            Packets = packets,
            DistinctPorts = ports,
            FirstSeenMs = ms,
            LastSeenMs = ms + 500,
        };
    }
}
