using PortVeil.Cli.Tests.Commands;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>
/// Fills the database of an <see cref="OperatorState"/> (SQLite or PostgreSQL) through the store API the daemon
/// uses: an IPv4 nmap SYN scanner that was banned, an IPv6 /64 masscan scanner, and optionally hostile text in every
/// free-text field.
/// </summary>
internal sealed class StoreContent
{
    public const string HostileReason = "<script>alert('reason')</script>\"><img src=x onerror=alert(1)>";
    public const string HostileSummary = "</td></tr></table><script>alert(\"summary\")</script>&amp;";
    public const string HostileFingerprint = "<svg onload=alert(2)>";
    public const string HostileHost = "host<b>bold</b>";

    public StoreContent(OperatorState state, bool hostile = false)
    {
        ArgumentNullException.ThrowIfNull(state);
        Now = DateTimeOffset.UtcNow;
        V4Scanner = NetAddress.Parse("203.0.113.7");
        V6Scanner = NetAddress.Parse("2001:db8:5:6::9");
        using var store = state.OpenStore();
        var t1 = Now.AddHours(-3);
        BanId = Guid.CreateVersion7(t1);
        store.RecordBanAsync(new BanRecord
        {
            Id = BanId,
            Target = BanTarget.ForAddress(V4Scanner),
            Reason = hostile ? HostileReason : "trw: 5 failures, 0 successes (nmap)",
            Detector = DetectorKind.Trw,
            Scan = ScanKind.Syn,
            Tool = ScannerTool.Nmap,
            StartedAt = t1,
            ExpiresAt = t1.AddHours(1),
            EscalationLevel = 1,
            OriginHost = hostile ? HostileHost : "host-a",
        }).GetAwaiter().GetResult();
        store.RecordIncidentAsync(new IncidentRecord
        {
            Id = Guid.CreateVersion7(t1),
            Verdict = Verdict(SourceKey.ForAddress(V4Scanner), t1, ScanKind.Syn, ScannerTool.Nmap, [21, 22, 23, 443, 8080], [22, 443], hostile),
            BanId = BanId,
            OriginHost = hostile ? HostileHost : "host-a",
        }).GetAwaiter().GetResult();
        var t2 = Now.AddHours(-1);
        store.RecordIncidentAsync(new IncidentRecord
        {
            Id = Guid.CreateVersion7(t2),
            Verdict = Verdict(SourceKey.ForPrefix64(V6Scanner), t2, ScanKind.Syn, ScannerTool.Masscan, [80, 3389, 5900], [], hostile),
            OriginHost = "host-a",
        }).GetAwaiter().GetResult();
        store.AddEventsAsync(
        [
            Event(V4Scanner, t1, 900),
            Event(V6Scanner, t2, 300),
        ]).GetAwaiter().GetResult();
    }

    public DateTimeOffset Now { get; }

    public NetAddress V4Scanner { get; }

    public NetAddress V6Scanner { get; }

    public Guid BanId { get; }

    private static long Ns(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private static Verdict Verdict(SourceKey source, DateTimeOffset decided, ScanKind scan, ScannerTool tool, ushort[] probed, ushort[] open, bool hostile) => new()
    {
        Source = source,
        Scan = scan,
        Detector = DetectorKind.Trw,
        Tool = tool,
        DecidedAtNs = Ns(decided),
        SourceVerified = true,
        Evidence = new Evidence
        {
            Detector = DetectorKind.Trw,
            Score = 6.93,
            Threshold = 4.6,
            Summary = hostile ? HostileSummary : $"TRW: {probed.Length - open.Length} failures, {open.Length} successes",
            Probes = probed.Length,
            PortsProbed = probed,
            ClosedPorts = [.. probed.Except(open)],
            OpenPortsReached = open,
            FlagsSeen = TcpFlags.Syn,
            Tool = tool,
            FingerprintDetail = hostile ? HostileFingerprint : "window 1024, lone MSS 1460",
            HostsProbed = 1,
            FirstSeenNs = Ns(decided.AddSeconds(-3)),
            LastSeenNs = Ns(decided),
        },
    };

    private static EventAggregate Event(NetAddress source, DateTimeOffset at, long packets)
    {
        var ms = at.ToUnixTimeMilliseconds();
        return new EventAggregate
        {
            Source = source,
            BucketStartMs = EventAggregate.BucketOf(ms),
            Protocol = IpProtocol.Tcp,
            Tag = PacketTag.Unserved,
            Packets = packets,
            DistinctPorts = 3,
            FirstSeenMs = ms,
            LastSeenMs = ms + 500,
        };
    }
}
