using PortVeil.Core;

namespace PortVeil.Storage.Tests;

/// <summary>Small builders of realistic records (documentation address ranges only).</summary>
internal static class Some
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public static NetAddress Address(int last = 7) => NetAddress.Parse($"203.0.113.{last}");

    public static long Ns(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    public static BanRecord Ban(NetAddress address, DateTimeOffset started, TimeSpan duration, int level = 0, bool dryRun = false) => new()
    {
        Id = Guid.CreateVersion7(started),
        Target = BanTarget.ForAddress(address),
        Reason = "trw: 5 failures, 0 successes (nmap)",
        Detector = DetectorKind.Trw,
        Scan = ScanKind.Syn,
        Tool = ScannerTool.Nmap,
        StartedAt = started,
        ExpiresAt = started + duration,
        EscalationLevel = level,
        OriginHost = "host-a",
        DryRun = dryRun,
    };

    public static Evidence Evidence(DateTimeOffset decided) => new()
    {
        Detector = DetectorKind.Trw,
        Score = 6.931471805599453,
        Threshold = 4.59511985013459,
        Summary = "TRW: 5 failures, 0 successes; ln Λ 6.93 ≥ ln(η1) 4.60",
        Probes = 7,
        PortsProbed = [21, 22, 23, 25, 80, 443, 8080],
        ClosedPorts = [21, 23, 25, 8080],
        OpenPortsReached = [22, 80, 443],
        FlagsSeen = TcpFlags.Syn,
        Tool = ScannerTool.Nmap,
        FingerprintDetail = "window 1024, lone MSS 1460",
        HostsProbed = 1,
        GroupMembers = [NetAddress.Parse("203.0.113.8"), NetAddress.Parse("2001:db8::5")],
        FirstSeenNs = Ns(decided.AddSeconds(-3)),
        LastSeenNs = Ns(decided),
    };

    public static Verdict Verdict(NetAddress source, DateTimeOffset decided) => new()
    {
        Source = SourceKey.ForAddress(source),
        Scan = ScanKind.Syn,
        Detector = DetectorKind.Trw,
        Tool = ScannerTool.Nmap,
        DecidedAtNs = Ns(decided),
        Evidence = Evidence(decided),
        SourceVerified = true,
    };

    public static IncidentRecord Incident(NetAddress source, DateTimeOffset decided, Guid? banId = null) => new()
    {
        Id = Guid.CreateVersion7(decided),
        Verdict = Verdict(source, decided),
        BanId = banId,
        OriginHost = "host-a",
    };

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
