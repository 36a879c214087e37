using System.Globalization;
using System.Security.Cryptography;
using PortVeil.Core;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Enforcement.Policy;

/// <summary>
/// Turns verdicts into ban decisions. In order: the allowlist wins; a single unverified probe is never enough;
/// a source already banned (alone or by its subnet) is not banned again; the concurrent and per-minute budgets
/// must have room; enough banned members of one /24 or /64 make a subnet ban unless the subnet holds an
/// allowlisted address; the per-subnet budget must have room; then a ban whose length escalates with the
/// target's earlier offences (from <see cref="IOffenceHistory"/>, so it survives restarts).
/// </summary>
/// <remarks>
/// Called once per verdict (verdicts are rare next to packets), so decisions may allocate their explanation.
/// Thread-safe: one lock around each decision; uncontended in the daemon, where one stage thread decides.
/// </remarks>
public sealed class BanPolicy
{
    private static readonly long Hour = TimeSpan.FromHours(1).Ticks;
    private static readonly long Minute = TimeSpan.FromMinutes(1).Ticks;

    private readonly PolicyOptions _options;
    private readonly LiveAllowlist _allowlist;
    private readonly IOffenceHistory _history;
    private readonly TimeProvider _time;
    private readonly PolicyLedger _real;
    private readonly PolicyLedger _shadow;
    private readonly PolicyLedger _suspects;
    private readonly PolicyLedger _shadowSuspects;
    private readonly Lock _lock = new();

    public BanPolicy(PolicyOptions options, LiveAllowlist allowlist, IOffenceHistory history, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(allowlist);
        ArgumentNullException.ThrowIfNull(history);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid policy configuration: " + string.Join("; ", problems), nameof(options));
        }

        _options = options;
        _allowlist = allowlist;
        _history = history;
        _time = time ?? TimeProvider.System;
        _real = new PolicyLedger(options.BansPerMinute);
        _shadow = new PolicyLedger(options.BansPerMinute);
        _suspects = new PolicyLedger(options.SuspectsPerMinute);
        _shadowSuspects = new PolicyLedger(options.SuspectsPerMinute);
        DryRun = options.DryRun;
    }

    /// <summary>A policy over a fixed allowlist.</summary>
    public BanPolicy(PolicyOptions options, AllowlistIndex allowlist, IOffenceHistory history, TimeProvider? time = null)
        : this(options, new LiveAllowlist(allowlist), history, time)
    {
    }

    /// <summary>
    /// Dry-run mode: decisions come back marked <see cref="BanDecision.DryRun"/> and are tracked in a ledger of their
    /// own (so "already banned" still makes sense), without spending real budgets or recording offences.
    /// May be switched while running (configuration reload).
    /// </summary>
    public bool DryRun { get; set; }

    /// <summary>Real decisions so far.</summary>
    public PolicyCounters Counters
    {
        get
        {
            lock (_lock)
            {
                return _real.Snapshot();
            }
        }
    }

    /// <summary>Dry-run decisions so far.</summary>
    public PolicyCounters DryRunCounters
    {
        get
        {
            lock (_lock)
            {
                return _shadow.Snapshot();
            }
        }
    }

    /// <summary>Real restrictions (decoy-cohort suspects) so far.</summary>
    public long Restrictions
    {
        get
        {
            lock (_lock)
            {
                return _suspects.Bans;
            }
        }
    }

    /// <summary>Restrictions the policy believes active (real ones), as of the last decision.</summary>
    public int ActiveRestrictions
    {
        get
        {
            lock (_lock)
            {
                return _suspects.ActiveCount;
            }
        }
    }

    /// <summary>Bans the policy believes active (real ones), as of the last decision.</summary>
    public int ActiveBans
    {
        get
        {
            lock (_lock)
            {
                return _real.ActiveCount;
            }
        }
    }

    public BanDecision Decide(Verdict verdict) => Decide(verdict, _time.GetUtcNow());

    /// <summary>Decides on <paramref name="verdict"/> at <paramref name="now"/> (live: the clock; replay: packet time).</summary>
    public BanDecision Decide(Verdict verdict, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        lock (_lock)
        {
            var dryRun = DryRun;
            var ledger = dryRun ? _shadow : _real;
            var t = now.UtcTicks;
            ledger.Advance(t, Math.Max(Hour, _options.SubnetWindow.Ticks));
            var suspects = dryRun ? _shadowSuspects : _suspects;
            suspects.Advance(t, Hour);
            ledger.Decisions++;
            return DecideCore(verdict, now, t, dryRun, ledger, suspects);
        }
    }

    /// <summary>Marks <paramref name="target"/> banned until <paramref name="expiresAt"/> (restored from storage at startup); does not count towards the rate.</summary>
    public void Restore(NetPrefix target, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            _real.Activate(target, expiresAt.UtcTicks);
        }
    }

    /// <summary>Marks <paramref name="target"/> restricted until <paramref name="expiresAt"/> (restored from storage at startup).</summary>
    public void RestoreRestriction(NetPrefix target, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            _suspects.Activate(target, expiresAt.UtcTicks);
        }
    }

    /// <summary>Forgets an active ban or restriction (unbanned by the user, or the kernel refused it); true when one was active.</summary>
    public bool Release(NetPrefix target)
    {
        lock (_lock)
        {
            return _real.Release(target) | _suspects.Release(target);
        }
    }

    private BanDecision DecideCore(Verdict verdict, DateTimeOffset now, long t, bool dryRun, PolicyLedger ledger, PolicyLedger suspects)
    {
        var source = verdict.Source;
        var address = source.Address;
        var isBlock = source.IsPrefix;
        var target = isBlock ? new NetPrefix(address, 64) : NetPrefix.ForAddress(address);
        var subnet = isBlock ? target : NetPrefix.SubnetOf(address);
        var allowlist = _allowlist.Current;

        // 1. The allowlist always wins; for a /64 verdict, any allowlisted address inside the /64 protects it.
        if (isBlock ? allowlist.TryFindOverlap(target, out var entry) : allowlist.TryMatch(address, out entry))
        {
            ledger.SkippedAllowlisted++;
            var what = isBlock ? $"{target} holds an allowlisted address" : $"{address} is allowlisted";
            return Skip(verdict, target, now, dryRun, SkipReason.Allowlisted, $"not banned: {what} ({entry})", entry);
        }

        // 2. One SYN proves nothing about who sent it; a campaign of many members of one /24 (checked below) may
        // still ban the /24, never the address alone.
        var named = isBlock || _options.CampaignMembers == 0 ? 0 : CampaignMembersIn(verdict, subnet);
        var campaign = named >= _options.CampaignMembers ? named : 0;
        string? campaignNote = null;
        if (campaign > 0 && allowlist.TryFindOverlap(subnet, out var campaignBlocker))
        {
            campaign = 0;
            campaignNote = string.Create(CultureInfo.InvariantCulture, $"; the campaign of {named} members in {subnet} does not ban it because it holds {campaignBlocker}");
        }

        if (campaign == 0 && !verdict.SourceVerified && verdict.Evidence.Probes < _options.MinUnverifiedProbes)
        {
            ledger.SkippedUnverified++;
            return Skip(verdict, target, now, dryRun, SkipReason.UnverifiedSingleProbe,
                string.Create(CultureInfo.InvariantCulture,
                    $"not banned: {verdict.Evidence.Probes} unverified probe(s) from {source} could be spoofed; a ban needs {_options.MinUnverifiedProbes} probes or a completed handshake{campaignNote}"));
        }

        // 3. Banned already, alone or with its subnet. An IPv4 address inside a banned /24 is still banned on its
        // own when its verdict stands without the campaign: the kernel's /24 rule spares returning guests (@known4,
        // with gating), so a scanner that passed gating before its /24 was banned goes on probing unhindered and
        // its verdicts are what is left to stop it; and a campaign ban (10 min) is shorter than a first ban anyway.
        // Its other checks (budgets, the per-/24 budget of individual bans) still apply.
        var hasUntil = ledger.TryGetActive(target, out var until);
        var subnetBanned = !hasUntil && !isBlock && ledger.TryGetActive(subnet, out until);
        if (hasUntil || (subnetBanned && (!subnet.IsIPv4 || (!verdict.SourceVerified && verdict.Evidence.Probes < _options.MinUnverifiedProbes))))
        {
            ledger.SkippedAlreadyBanned++;
            var by = hasUntil ? target : subnet;
            return Skip(verdict, target, now, dryRun, SkipReason.AlreadyBanned,
                string.Create(CultureInfo.InvariantCulture, $"not banned again: {by} is banned until {new DateTimeOffset(until, TimeSpan.Zero):u}"));
        }

        var insideBanned = subnetBanned
            ? string.Create(CultureInfo.InvariantCulture, $"; banned on its own although {subnet} is banned until {new DateTimeOffset(until, TimeSpan.Zero):u}, because the /24 rule spares returning guests (@known4) and this address kept scanning")
            : null;

        // 3b. Decoy cohorts: all but one member are probably forged, and the real scanner hides among them. Restrict
        // them (their raw probes are dropped, their own TCP stacks still connect) instead of banning innocents. A
        // suspect stays restricted until a verified verdict (a completed handshake, then more probing) bans it.
        if (!isBlock && (verdict.DecoyCohort || (!verdict.SourceVerified && suspects.TryGetActive(target, out _))))
        {
            return Restrict(verdict, target, now, t, dryRun, suspects);
        }

        // 4. Global budgets: active bans, then new bans per minute.
        if (ledger.ActiveCount >= _options.MaxActiveBans)
        {
            ledger.SkippedConcurrentBudget++;
            return Skip(verdict, target, now, dryRun, SkipReason.BudgetExhausted,
                string.Create(CultureInfo.InvariantCulture, $"not banned: budget exhausted: {ledger.ActiveCount} bans active (limit {_options.MaxActiveBans})"),
                budget: BanBudget.Concurrent);
        }

        if (!ledger.RateAllows(t, Minute))
        {
            ledger.SkippedRateBudget++;
            return Skip(verdict, target, now, dryRun, SkipReason.BudgetExhausted,
                string.Create(CultureInfo.InvariantCulture, $"not banned: budget exhausted: {_options.BansPerMinute} new bans in the last minute (limit {_options.BansPerMinute})"),
                budget: BanBudget.Rate);
        }

        if (isBlock)
        {
            return Ban(verdict, target, now, t, dryRun, ledger, BanAction.SubnetBan, verdict.Evidence.GroupMembers,
                $"its addresses scanned as one /64 ({ScanNames.Of(verdict.Detector)})");
        }

        // 4b. A campaign: many members of one /24 in one distributed verdict ban the /24, for a short, capped time,
        // under an hourly budget of its own (docs/policy.md, "Campaigns": what a spoofer can do with it at most).
        if (campaign > 0 && !subnetBanned)
        {
            var (overall, inSubnet) = ledger.CampaignsSince(t - Hour, subnet);
            if (overall >= _options.CampaignBansPerHour || inSubnet >= CampaignBansPerSubnetPerHour)
            {
                var fallback = verdict.SourceVerified || verdict.Evidence.Probes >= _options.MinUnverifiedProbes;
                if (!fallback)
                {
                    ledger.SkippedSubnetBudget++;
                    return Skip(verdict, target, now, dryRun, SkipReason.BudgetExhausted,
                        overall >= _options.CampaignBansPerHour
                            ? string.Create(CultureInfo.InvariantCulture, $"not banned: budget exhausted: {overall} campaign bans in the last hour (limit {_options.CampaignBansPerHour}); {campaign} members of {subnet} sent unverified probes")
                            : string.Create(CultureInfo.InvariantCulture, $"not banned: budget exhausted: {inSubnet} campaign bans of {subnet} in the last hour (limit {CampaignBansPerSubnetPerHour})"),
                        budget: overall >= _options.CampaignBansPerHour ? BanBudget.Rate : BanBudget.Subnet);
                }
            }
            else
            {
                ledger.AddCampaign(subnet, t);
                var members = CampaignMemberList(verdict, subnet);
                return Ban(verdict, subnet, now, t, dryRun, ledger, BanAction.SubnetBan, members,
                    string.Create(CultureInfo.InvariantCulture,
                        $"campaign: a distributed scan named {campaign} members of {subnet} (limit {_options.CampaignMembers}), each probing unserved ports; capped at {FormatDuration(_options.CampaignBanTime)} because single probes can be forged"),
                    cap: _options.CampaignBanTime);
            }
        }

        // 5. Enough banned neighbours make a subnet ban, unless the subnet holds someone on the allowlist.
        var recent = ledger.Subnet(subnet);
        string? subnetNote = null;
        if (_options.SubnetBanMembers > 0 && recent is not null && !subnetBanned)
        {
            var windowStart = t - _options.SubnetWindow.Ticks;
            var others = recent.CountDistinctMembersSince(windowStart, address);
            if (others + 1 >= _options.SubnetBanMembers)
            {
                if (!allowlist.TryFindOverlap(subnet, out var blocker))
                {
                    var members = recent.DistinctMembersSince(windowStart);
                    members.Remove(address);
                    members.Add(address);
                    return Ban(verdict, subnet, now, t, dryRun, ledger, BanAction.SubnetBan, members,
                        string.Create(CultureInfo.InvariantCulture, $"{members.Count} members banned within {FormatDuration(_options.SubnetWindow)}"));
                }

                subnetNote = $"; {subnet} is not banned whole because it holds {blocker}";
            }
        }

        // 6. Per-subnet budget for individual bans.
        if (recent is not null && recent.CountSince(t - Hour) >= _options.SubnetBudgetPerHour)
        {
            ledger.SkippedSubnetBudget++;
            return Skip(verdict, target, now, dryRun, SkipReason.BudgetExhausted,
                string.Create(CultureInfo.InvariantCulture, $"not banned: budget exhausted: {_options.SubnetBudgetPerHour} bans in {subnet} in the last hour (limit {_options.SubnetBudgetPerHour})"),
                budget: BanBudget.Subnet);
        }

        return Ban(verdict, target, now, t, dryRun, ledger, BanAction.Ban, [], $"{ScanNames.Of(verdict.Scan)} scan, {verdict.Evidence.Summary}{subnetNote}{insideBanned}");
    }

    private BanDecision Restrict(Verdict verdict, NetPrefix target, DateTimeOffset now, long t, bool dryRun, PolicyLedger suspects)
    {
        if (suspects.TryGetActive(target, out var until))
        {
            suspects.SkippedAlreadyBanned++;
            return Skip(verdict, target, now, dryRun, SkipReason.AlreadyRestricted,
                string.Create(CultureInfo.InvariantCulture, $"not restricted again: {target} is restricted until {new DateTimeOffset(until, TimeSpan.Zero):u} (decoy cohort, unverified)"));
        }

        if (suspects.ActiveCount >= _options.MaxActiveSuspects)
        {
            suspects.SkippedConcurrentBudget++;
            return Skip(verdict, target, now, dryRun, SkipReason.BudgetExhausted,
                string.Create(CultureInfo.InvariantCulture, $"not restricted: budget exhausted: {suspects.ActiveCount} restrictions active (limit {_options.MaxActiveSuspects})"),
                budget: BanBudget.Concurrent);
        }

        if (!suspects.RateAllows(t, Minute))
        {
            suspects.SkippedRateBudget++;
            return Skip(verdict, target, now, dryRun, SkipReason.BudgetExhausted,
                string.Create(CultureInfo.InvariantCulture, $"not restricted: budget exhausted: {_options.SuspectsPerMinute} new restrictions in the last minute (limit {_options.SuspectsPerMinute})"),
                budget: BanBudget.Rate);
        }

        var duration = _options.SuspectTime;

        // individual: false, so restrictions never feed the subnet ledger (not even this one's).
        suspects.AddBan(target, t, (now + duration).UtcTicks, individual: false, verdict.Source.Address);
        suspects.Bans++;
        var members = verdict.Evidence.GroupMembers;
        var why = verdict.DecoyCohort
            ? string.Create(CultureInfo.InvariantCulture,
                $"decoy cohort: {members.Count} unverified sources ({string.Join(", ", members)}) probed the same ports within milliseconds of each other, so all but one are probably forged; only raw-scanner traffic from {target.Network} is dropped, a real host's own TCP stack still connects")
            : "still an unverified suspect of a decoy cohort";
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{(dryRun ? RestrictionRecords.DryRunReasonPrefix : RestrictionRecords.ReasonPrefix)}{target} for {FormatDuration(duration)} ({why}): {ScanNames.Of(verdict.Scan)} scan, {verdict.Evidence.Summary}");
        return new BanDecision
        {
            Action = BanAction.Restrict,
            Verdict = verdict,
            Target = target,
            DecidedAt = now,
            DryRun = dryRun,
            Duration = duration,
            Members = members,
            Explanation = text,
        };
    }

    /// <summary>A /24 holds at most 2 campaign bans an hour (2 × 10 min by default), whatever the overall budget.</summary>
    internal const int CampaignBansPerSubnetPerHour = 2;

    /// <summary>Distinct members of <paramref name="subnet"/> (an IPv4 /24) a distributed verdict names, its source included.</summary>
    private static int CampaignMembersIn(Verdict verdict, NetPrefix subnet)
    {
        if (verdict.Detector != DetectorKind.Distributed || !subnet.IsIPv4)
        {
            return 0;
        }

        return CampaignMemberList(verdict, subnet).Count;
    }

    private static List<NetAddress> CampaignMemberList(Verdict verdict, NetPrefix subnet)
    {
        var members = new List<NetAddress>(verdict.Evidence.GroupMembers.Count + 1);
        foreach (var m in verdict.Evidence.GroupMembers)
        {
            if (m.IsIPv4 && subnet.Contains(m) && !members.Contains(m))
            {
                members.Add(m);
            }
        }

        if (!members.Contains(verdict.Source.Address))
        {
            members.Add(verdict.Source.Address);
        }

        return members;
    }

    private BanDecision Ban(Verdict verdict, NetPrefix target, DateTimeOffset now, long t, bool dryRun, PolicyLedger ledger,
        BanAction action, IReadOnlyList<NetAddress> members, string why, TimeSpan? cap = null)
    {
        var level = _history.CountOffences(target, now - _options.OffenceMemory);
        var duration = Escalate(level);
        if (cap is { } c && duration > c)
        {
            duration = c;
        }
        ledger.AddBan(target, t, (now + duration).UtcTicks, action == BanAction.Ban, verdict.Source.Address);
        if (action == BanAction.Ban)
        {
            ledger.Bans++;
        }
        else
        {
            ledger.SubnetBans++;
        }

        if (!dryRun)
        {
            _history.RecordOffence(target, now, duration);
        }

        var offence = level == 0
            ? "first offence"
            : string.Create(CultureInfo.InvariantCulture,
                $"{Ordinal(level + 1)} offence within {FormatDuration(_options.OffenceMemory)}: {FormatDuration(_options.BaseBan)} × {_options.EscalationFactor}^{level}");
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{(dryRun ? "dry run: would ban" : "ban")} {target} for {FormatDuration(duration)} ({offence}): {why}");
        return new BanDecision
        {
            Action = action,
            Verdict = verdict,
            Target = target,
            DecidedAt = now,
            DryRun = dryRun,
            Duration = duration,
            EscalationLevel = level,
            Members = members,
            Explanation = text,
        };
    }

    /// <summary>BaseBan × factor^level, plus jitter, capped at MaxBan.</summary>
    internal TimeSpan Escalate(int level)
    {
        var ticks = (double)_options.BaseBan.Ticks;
        var max = (double)_options.MaxBan.Ticks;
        for (var i = 0; i < level && ticks < max; i++)
        {
            ticks *= _options.EscalationFactor;
        }

        if (_options.JitterSeconds > 0)
        {
            ticks += RandomNumberGenerator.GetInt32(0, _options.JitterSeconds + 1) * (double)TimeSpan.TicksPerSecond;
        }

        return TimeSpan.FromTicks((long)Math.Min(ticks, max));
    }

    private static BanDecision Skip(Verdict verdict, NetPrefix target, DateTimeOffset now, bool dryRun, SkipReason reason, string text,
        AllowlistEntry? entry = null, BanBudget budget = BanBudget.None) => new()
        {
            Action = BanAction.Skip,
            Verdict = verdict,
            Target = target,
            DecidedAt = now,
            DryRun = dryRun,
            SkipReason = reason,
            AllowlistEntry = entry,
            Budget = budget,
            Explanation = dryRun ? "dry run: " + text : text,
        };

    private static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => string.Create(CultureInfo.InvariantCulture, $"{n}th"),
        _ => (n % 10) switch
        {
            1 => string.Create(CultureInfo.InvariantCulture, $"{n}st"),
            2 => string.Create(CultureInfo.InvariantCulture, $"{n}nd"),
            3 => string.Create(CultureInfo.InvariantCulture, $"{n}rd"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{n}th"),
        },
    };

    /// <summary>"30 d", "4 h", "1 h 30 min", "1 h 0 min 17 s": the largest unit first, zero parts left out at the end.</summary>
    internal static string FormatDuration(TimeSpan d)
    {
        var parts = new List<string>(4);
        if (d.Days > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Days} d"));
        }

        if (d.Hours > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Hours} h"));
        }

        if (d.Minutes > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Minutes} min"));
        }

        if (d.Seconds > 0 || parts.Count == 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Seconds} s"));
        }

        return string.Join(' ', parts);
    }
}
