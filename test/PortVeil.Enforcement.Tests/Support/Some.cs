using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;

namespace PortVeil.Enforcement.Tests.Support;

/// <summary>Small builders of real values for policy tests.</summary>
internal static class Some
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A verdict as the engine makes it; by default verified and well over its threshold.</summary>
    public static Verdict Verdict(string address, bool verified = true, int probes = 40, double score = 120) =>
        Verdict(NetAddress.Parse(address), verified, probes, score);

    public static Verdict Verdict(NetAddress address, bool verified = true, int probes = 40, double score = 120) =>
        Verdict(SourceKey.ForAddress(address), verified, probes, score);

    public static Verdict Verdict(SourceKey source, bool verified, int probes, double score) => new()
    {
        Source = source,
        Scan = ScanKind.Syn,
        Detector = DetectorKind.WindowThreshold,
        Tool = ScannerTool.Nmap,
        DecidedAtNs = Start.ToUnixTimeMilliseconds() * 1_000_000,
        SourceVerified = verified,
        Evidence = new Evidence
        {
            Detector = DetectorKind.WindowThreshold,
            Score = score,
            Threshold = 21,
            Summary = "window: weight " + score + " ≥ 21",
            Probes = probes,
            PortsProbed = [22, 23, 80, 443, 3389],
            ClosedPorts = [23, 3389],
            OpenPortsReached = [22, 80, 443],
            Tool = ScannerTool.Nmap,
        },
    };

    public static AllowlistIndex Allowlist(params (string Cidr, AllowlistSource Source, string Reason)[] entries)
    {
        var list = new List<AllowlistEntry>();
        foreach (var (cidr, source, reason) in entries)
        {
            list.Add(new AllowlistEntry(NetPrefix.Parse(cidr), source, reason));
        }

        return AllowlistIndex.Create(list);
    }

    public static BanPolicy Policy(AllowlistIndex? allowlist = null, IOffenceHistory? history = null, PolicyOptions? options = null) =>
        new(options ?? new PolicyOptions(), allowlist ?? AllowlistIndex.ReservedOnly, history ?? new InMemoryOffenceHistory());
}
