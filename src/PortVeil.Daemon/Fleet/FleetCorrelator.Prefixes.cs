using System.Globalization;
using System.Text;
using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Fleet;

/// <summary>
/// Multi-source correlation: a distributed scan whose many sources (one /24 or /64) each touch each host with a
/// probe or two is invisible per source and per host; across the fleet it is many sources × many hosts × many
/// unserved ports. One decision per prefix, taken by this host's policy exactly as for a local distributed verdict.
/// </summary>
/// <remarks>
/// IPv4: a verdict naming every source as a group member, so the policy's campaign rule decides (a /24 ban capped at
/// policy.campaign_ban_time, under policy.campaign_bans_per_hour, never over an allowlisted address). Where the
/// campaign is refused, each member is judged alone: a member with at least policy.min_unverified_probes failures
/// across the fleet gets its own ban, single-probe members (forgeable) none. IPv6: the /64 is one source, as the
/// local engine groups it. Every ban goes through the same advisory-locked write as a single-source correlation.
/// </remarks>
public sealed partial class FleetCorrelator
{
    // Evidence texts stay bounded whatever the prefix: the first 16 sources a host saw are named, the rest counted.
    private const int NamedSourcesPerHost = 16;

    // Prefixes decided (banned, refused, or judged member by member) are not asked again for one window, so a
    // refused campaign is logged once and members are not re-judged every interval.
    private readonly Dictionary<NetPrefix, DateTimeOffset> _prefixDecidedUntil = [];
    private long _prefixBans;

    /// <summary>Bans this host made from multi-source (prefix) correlation: prefix bans and per-member bans.</summary>
    public long PrefixBans => Interlocked.Read(ref _prefixBans);

    private async Task<int> CorrelatePrefixesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var found = await _store.FindCorrelatedPrefixesAsync(now - _options.CorrelationWindow, now, _options.CorrelationPrefixSources,
            _options.CorrelationPrefixHosts, cancellationToken: ct);
        var made = 0;
        foreach (var candidate in found)
        {
            var prefix = new NetPrefix(candidate.Network, candidate.Length);
            if (_prefixDecidedUntil.ContainsKey(prefix) || DistinctPorts(candidate).Count < _options.CorrelationPrefixPorts)
            {
                continue;
            }

            _prefixDecidedUntil[prefix] = now + _options.CorrelationWindow;
            made += await DecidePrefixAsync(candidate, prefix, now, ct);
        }

        return made;
    }

    private async Task<int> DecidePrefixAsync(CorrelatedPrefix candidate, NetPrefix prefix, DateTimeOffset now, CancellationToken ct)
    {
        var members = MembersByFailures(candidate);
        var fleetText = FleetSummary(candidate, _options);
        var verdict = PrefixVerdictFor(candidate, members, now, _options);
        var decision = _policy.Decide(verdict, now);
        if (decision.Action == BanAction.SubnetBan)
        {
            return await RecordPrefixBanAsync(verdict, decision, fleetText, now, ct) ? 1 : 0;
        }

        // The campaign (or the /64) was refused: allowlisted, over its budget, or too few members for a campaign.
        LogMessages.CorrelationSkipped(_logger, prefix.ToString(), decision.Explanation);
        Interlocked.Increment(ref _refused);
        var made = 0;
        var banned = default(NetAddress?);
        if (decision.Action == BanAction.Ban)
        {
            // The policy fell back to the representative alone (it failed often enough to be banned by itself).
            banned = verdict.Source.Address;
            made += await RecordPrefixBanAsync(verdict, decision, fleetText, now, ct) ? 1 : 0;
        }

        foreach (var (member, failures) in members)
        {
            if (member == banned)
            {
                continue;
            }

            var memberVerdict = MemberVerdictFor(candidate, member, failures, now, _options);
            var memberDecision = _policy.Decide(memberVerdict, now);
            if (memberDecision.Action is BanAction.Ban or BanAction.SubnetBan)
            {
                made += await RecordPrefixBanAsync(memberVerdict, memberDecision, fleetText, now, ct) ? 1 : 0;
                if (memberDecision.Action == BanAction.SubnetBan)
                {
                    // Enough members banned made the policy ban the /24 (policy.subnet_ban_members): the rest are in it.
                    break;
                }
            }
        }

        return made;
    }

    private async Task<bool> RecordPrefixBanAsync(Verdict verdict, BanDecision decision, string fleetText, DateTimeOffset now, CancellationToken ct)
    {
        if (!await RecordAsync(verdict, decision, decision.Explanation + "; " + fleetText, now, ct))
        {
            LogMessages.CorrelationLost(_logger, decision.Target.ToString());
            return false;
        }

        Interlocked.Increment(ref _prefixBans);
        return true;
    }

    /// <summary>
    /// The prefix as one distributed verdict: IPv4 from its most active source with every source as a group member
    /// (the policy's campaign rule counts them); IPv6 from the /64 itself. Probes: the representative's own failures
    /// (IPv4, so a refused campaign never bans a single-probe source) or the /64's total.
    /// </summary>
    internal static Verdict PrefixVerdictFor(CorrelatedPrefix candidate, IReadOnlyList<(NetAddress Source, long Failures)> members, DateTimeOffset now,
        FleetOptions options)
    {
        var isIPv4 = candidate.Network.IsIPv4;
        long total = 0;
        var sources = new List<NetAddress>(members.Count);
        foreach (var (member, failures) in members)
        {
            total += failures;
            sources.Add(member);
        }

        var source = isIPv4 ? SourceKey.ForAddress(members[0].Source) : SourceKey.ForPrefix64(candidate.Network);
        var probes = isIPv4 ? members[0].Failures : total;
        return Build(candidate, source, probes, sources, Summary(candidate, options), now, options);
    }

    /// <summary>One member of a correlated prefix judged alone (the campaign was refused).</summary>
    internal static Verdict MemberVerdictFor(CorrelatedPrefix candidate, NetAddress member, long failures, DateTimeOffset now, FleetOptions options) =>
        Build(candidate, SourceKey.ForAddress(member), failures, [],
            string.Create(CultureInfo.InvariantCulture, $"{failures} failed probes from {member}, one of the sources of a ") + Summary(candidate, options), now, options);

    private static Verdict Build(CorrelatedPrefix candidate, SourceKey source, long probes, IReadOnlyList<NetAddress> groupMembers, string summary,
        DateTimeOffset now, FleetOptions options)
    {
        var ports = DistinctPorts(candidate);
        var first = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        var sources = new HashSet<NetAddress>();
        foreach (var row in candidate.Rows)
        {
            hosts.Add(row.Host);
            sources.Add(row.Source);
            first = row.FirstSeen < first ? row.FirstSeen : first;
            last = row.LastSeen > last ? row.LastSeen : last;
        }

        return new Verdict
        {
            Source = source,
            Scan = ScanKind.Distributed,
            Detector = DetectorKind.Distributed,
            DecidedAtNs = now.ToUnixTimeMilliseconds() * 1_000_000,
            Evidence = new Evidence
            {
                Detector = DetectorKind.Distributed,
                Score = sources.Count,
                Threshold = options.CorrelationPrefixSources,
                Summary = summary,
                Probes = (int)Math.Min(probes, int.MaxValue),
                PortsProbed = ports,
                ClosedPorts = ports,
                OpenPortsReached = [],
                HostsProbed = hosts.Count,
                GroupMembers = groupMembers,
                FirstSeenNs = first.ToUnixTimeMilliseconds() * 1_000_000,
                LastSeenNs = last.ToUnixTimeMilliseconds() * 1_000_000,
            },
        };
    }

    /// <summary>
    /// "distributed scan from 198.51.100.0/24 across the fleet: 9 sources failed on 3 hosts, 9 unserved ports, 27
    /// failed probes (thresholds 8 sources, 3 hosts, 6 ports): host-a: 198.51.100.110 (2001), …; host-b: …".
    /// </summary>
    internal static string Summary(CorrelatedPrefix candidate, FleetOptions options)
    {
        var byHost = new SortedDictionary<string, List<CorrelatedMember>>(StringComparer.Ordinal);
        var sources = new HashSet<NetAddress>();
        long total = 0;
        foreach (var row in candidate.Rows)
        {
            if (!byHost.TryGetValue(row.Host, out var list))
            {
                byHost[row.Host] = list = [];
            }

            list.Add(row);
            sources.Add(row.Source);
            total += row.Failures;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"distributed scan from {new NetPrefix(candidate.Network, candidate.Length)} across the fleet: {sources.Count} sources failed on {byHost.Count} hosts, {DistinctPorts(candidate).Count} unserved ports, {total} failed probes (thresholds {options.CorrelationPrefixSources} sources, {options.CorrelationPrefixHosts} hosts, {options.CorrelationPrefixPorts} ports):");
        foreach (var (host, rows) in byHost)
        {
            text.Append(' ').Append(host).Append(':');
            for (var i = 0; i < rows.Count && i < NamedSourcesPerHost; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $" {rows[i].Source} ({string.Join(',', rows[i].Ports)}),");
            }

            if (rows.Count > NamedSourcesPerHost)
            {
                text.Append(CultureInfo.InvariantCulture, $" +{rows.Count - NamedSourcesPerHost} more,");
            }

            text.Length--;
            text.Append(';');
        }

        text.Length--;
        return text.ToString();
    }

    /// <summary>"correlated across the fleet: 9 sources of 198.51.100.0/24 on hosts host-a, host-b, host-c; ports 2001,…".</summary>
    private static string FleetSummary(CorrelatedPrefix candidate, FleetOptions options)
    {
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        var sources = new HashSet<NetAddress>();
        foreach (var row in candidate.Rows)
        {
            hosts.Add(row.Host);
            sources.Add(row.Source);
        }

        var ports = DistinctPorts(candidate);
        return string.Create(CultureInfo.InvariantCulture,
            $"correlated across the fleet: {sources.Count} sources of {new NetPrefix(candidate.Network, candidate.Length)} (limit {options.CorrelationPrefixSources}) on hosts {string.Join(", ", hosts)}; {ports.Count} unserved ports {string.Join(',', ports)}");
    }

    /// <summary>Distinct sources with their failures summed over every host, most failures first (ties by address).</summary>
    private static List<(NetAddress Source, long Failures)> MembersByFailures(CorrelatedPrefix candidate)
    {
        var sums = new Dictionary<NetAddress, long>();
        foreach (var row in candidate.Rows)
        {
            sums[row.Source] = sums.GetValueOrDefault(row.Source) + row.Failures;
        }

        var list = new List<(NetAddress Source, long Failures)>(sums.Count);
        foreach (var (source, failures) in sums)
        {
            list.Add((source, failures));
        }

        list.Sort(static (a, b) => a.Failures != b.Failures ? b.Failures.CompareTo(a.Failures)
            : a.Source.High != b.Source.High ? a.Source.High.CompareTo(b.Source.High) : a.Source.Low.CompareTo(b.Source.Low));
        return list;
    }

    // Distinct ports of the samples, in first-seen order, at most 64 (the evidence's own bound).
    private static List<ushort> DistinctPorts(CorrelatedPrefix candidate)
    {
        var ports = new List<ushort>();
        foreach (var row in candidate.Rows)
        {
            foreach (var p in row.Ports)
            {
                if (ports.Count < 64 && !ports.Contains(p))
                {
                    ports.Add(p);
                }
            }
        }

        return ports;
    }
}
