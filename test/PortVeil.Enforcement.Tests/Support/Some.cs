using System.Globalization;
using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using Samples = PortVeil.TestSupport.Samples;

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

    public static Verdict Verdict(SourceKey source, bool verified, int probes, double score) =>
        Samples.Some.Verdict(source, Start, WindowEvidence(probes, score), verified: verified);

    /// <summary>
    /// The shared sample evidence as the window-threshold detector reports it: 5 ports probed, 22, 80 and 443 of them
    /// open (unless <paramref name="open"/> says otherwise), <paramref name="probes"/> probes weighing <paramref name="score"/> ≥ 21.
    /// </summary>
    public static Evidence WindowEvidence(int probes = 40, double score = 120, ushort[]? open = null, IReadOnlyList<NetAddress>? group = null) =>
        Samples.Some.Evidence(
            Start,
            [22, 23, 80, 443, 3389],
            open ?? [22, 80, 443],
            detector: DetectorKind.WindowThreshold,
            group: group,
            summary: string.Create(CultureInfo.InvariantCulture, $"window: weight {score} ≥ 21"),
            probes: probes,
            score: score,
            threshold: 21);

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
