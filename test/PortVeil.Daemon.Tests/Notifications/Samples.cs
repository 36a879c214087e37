using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Tests.Notifications;

/// <summary>A realistic verdict and ban (documentation addresses only).</summary>
internal static class Samples
{
    public const string Secret = "0123456789abcdef-test-secret";

    public static Verdict Verdict(string source = "203.0.113.7") => new()
    {
        Source = SourceKey.ForAddress(NetAddress.Parse(source)),
        Scan = ScanKind.Syn,
        Detector = DetectorKind.Trw,
        Tool = ScannerTool.Nmap,
        DecidedAtNs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100,
        SourceVerified = true,
        Evidence = new Evidence
        {
            Detector = DetectorKind.Trw,
            Score = 6.93,
            Threshold = 4.6,
            Summary = "TRW: 5 failures, 0 successes",
            Probes = 7,
            PortsProbed = [21, 22, 23, 25, 80, 443, 8080],
            ClosedPorts = [21, 23, 25, 8080],
            OpenPortsReached = [22, 443],
            FlagsSeen = TcpFlags.Syn,
            Tool = ScannerTool.Nmap,
            FingerprintDetail = "window 1024, lone MSS 1460",
            HostsProbed = 1,
        },
    };

    public static BanRecord Ban(string source = "203.0.113.7") => new()
    {
        Id = Guid.CreateVersion7(),
        Target = BanTarget.ForAddress(NetAddress.Parse(source)),
        Reason = "trw: 5 failures, 0 successes (nmap)",
        Detector = DetectorKind.Trw,
        Scan = ScanKind.Syn,
        Tool = ScannerTool.Nmap,
        StartedAt = DateTimeOffset.UtcNow,
        ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10),
        OriginHost = "lab-host",
    };
}
