using System.Globalization;
using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Operations;

/// <summary>
/// What an operator can do by hand (ban, unban, allow, disallow, list), shared by the CLI and the daemon's HTTP API.
/// The CLI builds one over the database and the kernel table with no daemon in the process; the daemon builds one
/// over its own store, enforcer, allowlist and policy. Either way the database is the truth the other side reads:
/// a running daemon picks up what the CLI did within a second (<see cref="Pipeline.OperatorSyncLoop"/>).
/// </summary>
/// <remarks>
/// Never creates the kernel table: a table without a daemon feeding its served set would drop every new connection.
/// When the table is absent, a ban or unban changes storage only and says so; the daemon applies storage at start.
/// Every untrusted value reaches nft as a typed JSON value, never as command text.
/// </remarks>
public sealed class OperatorActions
{
    /// <summary>Longest manual ban: a year. Longer is almost certainly a typo (ms for s); the kernel would take it.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    /// <summary>The reason stored when the operator gave none.</summary>
    public const string DefaultReason = "manual ban";

    private readonly IPortVeilStore _store;
    private readonly NftEnforcer? _kernel;
    private readonly LiveAllowlist _allowlist;
    private readonly BanPolicy? _policy;
    private readonly string _host;
    private readonly TimeProvider _time;

    /// <param name="store">The database (bans, incidents, allow entries).</param>
    /// <param name="kernel">The enforcer of `table inet portveil`; null: storage only (no kernel access).</param>
    /// <param name="allowlist">The allowlist in force (configuration, discovery); stored operator entries are always checked too.</param>
    /// <param name="policy">The running daemon's policy, told of manual bans and unbans at once; null in the CLI.</param>
    /// <param name="hostName">This host's name in ban and allow records.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    public OperatorActions(IPortVeilStore store, NftEnforcer? kernel, LiveAllowlist allowlist, BanPolicy? policy = null, string? hostName = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(allowlist);
        _store = store;
        _kernel = kernel;
        _allowlist = allowlist;
        _policy = policy;
        _host = hostName ?? Environment.MachineName;
        _time = time ?? TimeProvider.System;
    }

    public IPortVeilStore Store => _store;

    /// <summary>
    /// Raised with a stored ban's id just before this instance ends it (unban, allow). The daemon's API announces its
    /// own changes on the live feed; its sync loop uses this to announce only the ends made elsewhere (the CLI).
    /// </summary>
    public event Action<Guid>? Ending;

    public NftEnforcer? Kernel => _kernel;

    /// <summary>
    /// Bans <paramref name="target"/> (one address, an IPv4 /24 or an IPv6 /64) for <paramref name="duration"/>: the kernel set
    /// and a stored ban with no detector (origin "manual"). An active ban of the same target is replaced. Refused for
    /// allowlisted targets.
    /// </summary>
    public async Task<OperatorResult> BanAsync(NetPrefix target, TimeSpan duration, string reason, CancellationToken ct)
    {
        if (duration <= TimeSpan.Zero || duration > MaxDuration)
        {
            return OperatorResult.Fail(OperatorStatus.Invalid, $"A ban lasts more than 0 s and at most {MaxDuration.TotalDays:0} days; {Format(duration)} was asked.");
        }

        if (!SourceKey.TryForNetwork(target.Network, target.Length, out _))
        {
            return OperatorResult.Fail(OperatorStatus.Invalid,
                $"{target} cannot be banned by hand: the kernel sets hold single addresses, IPv4 /24 and IPv6 /64 blocks. Ban the addresses one by one" +
                (target.IsIPv4 ? ", or their /24s." : ", or their /64."));
        }

        var allowed = await FindAllowlistedAsync(target, ct);
        if (allowed is not null)
        {
            return OperatorResult.Fail(OperatorStatus.Refused,
                $"{target} is on the allowlist ({allowed}): PortVeil never bans allowlisted addresses. " +
                (allowed.Source == AllowlistSource.Operator ? $"Run `portveil allow remove {allowed.Prefix}` first if you really mean it." : "Change the allowlist first if you really mean it."));
        }

        var now = _time.GetUtcNow();
        var expires = now + duration;
        var block = ToBlock(target);
        var ended = 0;
        foreach (var old in await _store.ListActiveBansAsync(now, ct))
        {
            if (old.Ban.Target == block && await _store.EndBanAsync(new BanEnd(old.Ban.Id, BanEndReason.Superseded, now), ct))
            {
                ended++;
            }
        }

        var record = new BanRecord
        {
            Id = Guid.CreateVersion7(),
            Target = block,
            Reason = string.IsNullOrWhiteSpace(reason) ? DefaultReason : reason.Trim(),
            Detector = null,
            StartedAt = now,
            ExpiresAt = expires,
            OriginHost = _host,
        };
        await _store.RecordBanAsync(record, ct);
        _policy?.Restore(target, expires);

        var warnings = new List<string>();
        var elements = 0;
        var kernelError = await TryKernelAsync(warnings, "the ban is stored and `portveil run` enforces it at start", async k =>
        {
            await k.BanAsync([new BanRequest(ToSourceKey(target), duration)], ct);
            elements = 1;
        });
        var until = expires.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        if (kernelError is not null)
        {
            return new OperatorResult
            {
                Status = OperatorStatus.Failed,
                Message = $"Banned {target} in storage until {until}, but the kernel refused it: {kernelError}. `portveil run` retries it at start.",
                BanId = record.Id,
                ExpiresAt = expires,
                BansEnded = ended,
            };
        }

        return new OperatorResult
        {
            Status = OperatorStatus.Done,
            Message = $"Banned {target} for {Format(duration)} (until {until})" + (ended > 0 ? $"; it replaces the ban that was active." : "."),
            BanId = record.Id,
            ExpiresAt = expires,
            KernelElements = elements,
            BansEnded = ended,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Lifts every ban inside <paramref name="target"/>: kernel elements (daemon and reflex sets) and stored bans,
    /// which end with <see cref="BanEndReason.Unbanned"/>. A wider ban that covers it (its /64) is named, not lifted.
    /// </summary>
    public async Task<OperatorResult> UnbanAsync(NetPrefix target, CancellationToken ct)
    {
        var (ended, elements, warnings, error) = await LiftAsync(target, BanEndReason.Unbanned, ct);
        if (error is not null)
        {
            return OperatorResult.Fail(OperatorStatus.Failed, $"Ended {ended} stored ban(s) of {target}, but the kernel refused the unban: {error}.");
        }

        if (ended == 0 && elements == 0)
        {
            var wider = await FindCoveringBanAsync(target, ct);
            return OperatorResult.Fail(OperatorStatus.NotFound, wider is null
                ? $"{target} is not banned."
                : $"{target} is not banned by itself; the ban of {Describe(wider.Ban.Target)} covers it. Run `portveil bans remove {Describe(wider.Ban.Target)}` to lift that one.");
        }

        return new OperatorResult
        {
            Status = OperatorStatus.Done,
            Message = $"Unbanned {target}: {ended} stored ban(s) ended, {elements} kernel element(s) removed.",
            KernelElements = elements,
            BansEnded = ended,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Adds <paramref name="prefix"/> to the operator's allowlist (stored; the running daemon loads it within a second)
    /// and lifts every ban inside it (<see cref="BanEndReason.Allowlisted"/>). Adding an entry again replaces its comment.
    /// </summary>
    public async Task<OperatorResult> AllowAsync(NetPrefix prefix, string? comment, CancellationToken ct)
    {
        if (prefix.Length == 0)
        {
            return OperatorResult.Fail(OperatorStatus.Refused,
                $"{prefix} would allow every {(prefix.IsIPv4 ? "IPv4" : "IPv6")} address and turn PortVeil off; set daemon.dry_run or stop the service instead.");
        }

        var now = _time.GetUtcNow();
        var isNew = await _store.AddAllowAsync(new AllowRecord
        {
            Block = ToBlock(prefix),
            Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(),
            AddedAt = now,
            OriginHost = _host,
        }, ct);
        await ReloadOperatorEntriesAsync(ct);
        var (ended, elements, warnings, error) = await LiftAsync(prefix, BanEndReason.Allowlisted, ct, overlapping: true);
        var lifted = ended + elements == 0 ? "" : $"; lifted {ended} stored ban(s) and {elements} kernel element(s) inside it";
        if (error is not null)
        {
            return OperatorResult.Fail(OperatorStatus.Failed, $"Allowed {prefix}, but the kernel refused to lift its bans: {error}. The daemon's allowlist still lets it in within a second.");
        }

        return new OperatorResult
        {
            Status = OperatorStatus.Done,
            Message = (isNew ? $"Allowed {prefix}" : $"{prefix} was already allowed; its comment is updated") + lifted + ".",
            KernelElements = elements,
            BansEnded = ended,
            Warnings = warnings,
        };
    }

    /// <summary>Removes the operator's allowlist entry for exactly <paramref name="prefix"/>.</summary>
    public async Task<OperatorResult> DisallowAsync(NetPrefix prefix, CancellationToken ct)
    {
        var removed = await _store.RemoveAllowAsync(ToBlock(prefix), ct);
        await ReloadOperatorEntriesAsync(ct);
        if (removed)
        {
            return new OperatorResult { Status = OperatorStatus.Done, Message = $"Removed {prefix} from the allowlist." };
        }

        foreach (var e in _allowlist.Current.Entries)
        {
            if (e.Prefix == prefix && e.Source != AllowlistSource.Operator)
            {
                return OperatorResult.Fail(OperatorStatus.NotFound,
                    $"{prefix} is not an entry added with `portveil allow add`; it comes from {e.Reason}. " +
                    (e.Source == AllowlistSource.Static ? "Edit allowlist.static in the configuration file." : "It is discovered at every refresh and cannot be removed."));
            }
        }

        return OperatorResult.Fail(OperatorStatus.NotFound, $"{prefix} is not on the allowlist added with `portveil allow add` (see `portveil allow list`).");
    }

    /// <summary>Active bans, stored and in the kernel, joined; oldest first, kernel-only elements last.</summary>
    public async Task<IReadOnlyList<OperatorBan>> ListBansAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var stored = await _store.ListActiveBansAsync(now, ct);
        var kernel = new List<ActiveBan>();
        if (_kernel is not null && await TableExistsAsync())
        {
            kernel.AddRange(await _kernel.ListAsync(ct));
        }

        var used = new bool[kernel.Count];
        var list = new List<OperatorBan>(stored.Count + kernel.Count);
        foreach (var s in stored)
        {
            var b = s.Ban;
            var target = new NetPrefix(b.Target.Address, b.Target.PrefixLength);
            ActiveBan? element = null;
            for (var i = 0; i < kernel.Count; i++)
            {
                if (!used[i] && !kernel[i].ByReflex && ToPrefix(kernel[i].Source) == target)
                {
                    used[i] = true;
                    element = kernel[i];
                    break;
                }
            }

            list.Add(new OperatorBan
            {
                Target = target,
                Origin = b.Detector is null ? "manual" : "detector",
                BanId = b.Id,
                OriginHost = b.OriginHost,
                Reason = b.Reason,
                Detector = b.Detector,
                Scan = b.Scan,
                Tool = b.Tool,
                StartedAt = b.StartedAt,
                ExpiresAt = b.ExpiresAt,
                EscalationLevel = b.EscalationLevel,
                DryRun = b.DryRun,
                KernelSet = element is { } e ? SetOf(e) : null,
                KernelRemaining = element?.Remaining,
                PacketsDropped = element?.Packets ?? 0,
            });
        }

        for (var i = 0; i < kernel.Count; i++)
        {
            if (used[i])
            {
                continue;
            }

            var k = kernel[i];
            var target = ToPrefix(k.Source);
            var subnet = FindCovering(stored, target);
            list.Add(new OperatorBan
            {
                Target = target,
                Origin = k.ByReflex ? "reflex" : "kernel",
                BanId = subnet?.Ban.Id,
                Reason = k.ByReflex ? "reflex meter: too many openers to unserved ports, banned from the packet path"
                    : subnet is not null ? $"member of the subnet ban of {Describe(subnet.Ban.Target)}"
                    : "in the kernel set without a stored record (made by another PortVeil, or the record was pruned)",
                ExpiresAt = now + k.Remaining,
                KernelSet = SetOf(k),
                KernelRemaining = k.Remaining,
                PacketsDropped = k.Packets,
            });
        }

        return list;
    }

    /// <summary>
    /// The allowlist in force: the operator's stored entries first (newest last), then those from the configuration
    /// and discovery; the reserved ranges only when <paramref name="includeReserved"/>.
    /// </summary>
    public async Task<IReadOnlyList<OperatorAllowEntry>> ListAllowAsync(bool includeReserved, CancellationToken ct)
    {
        var list = new List<OperatorAllowEntry>();
        foreach (var r in await _store.ListAllowAsync(ct))
        {
            list.Add(new OperatorAllowEntry(new NetPrefix(r.Block.Address, r.Block.PrefixLength), AllowlistSourceNames.Of(AllowlistSource.Operator),
                r.Comment ?? "", r.AddedAt, Removable: true));
        }

        foreach (var e in _allowlist.Current.Entries)
        {
            if (e.Source == AllowlistSource.Operator || (e.Source == AllowlistSource.Reserved && !includeReserved))
            {
                continue;
            }

            list.Add(new OperatorAllowEntry(e.Prefix, AllowlistSourceNames.Of(e.Source), e.Reason, null, Removable: false));
        }

        return list;
    }

    /// <summary>Incidents decided at or after <paramref name="since"/> (null: the last 24 hours), oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<StoredIncident>> ListIncidentsAsync(DateTimeOffset? since, int limit, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        return _store.ListIncidentsAsync(since ?? now.AddDays(-1), DateTimeOffset.MaxValue, limit, ct);
    }

    /// <summary>
    /// Everything known about why <paramref name="address"/> is or was banned, with the plain-language account:
    /// stored ban and incidents (evidence), kernel element, and the rule that drops it.
    /// </summary>
    public async Task<BanExplanation> ExplainBanAsync(NetAddress address, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        StoredBan? ban = null;
        var active = false;
        foreach (var s in await _store.ListActiveBansAsync(now, ct))
        {
            var t = new NetPrefix(s.Ban.Target.Address, s.Ban.Target.PrefixLength);
            if (t.Contains(address) && t.IsIPv4 == address.IsIPv4 && (ban is null || s.Ban.Target.PrefixLength > ban.Ban.Target.PrefixLength))
            {
                ban = s;
                active = true;
            }
        }

        if (ban is null)
        {
            var history = await _store.ListBanHistoryAsync(BanTarget.ForAddress(address), 1, ct);
            if (history.Count == 0)
            {
                // Its network's ban: an IPv6 /64, or an IPv4 /24 (a campaign's subnet ban).
                history = await _store.ListBanHistoryAsync(new BanTarget(address, address.IsIPv4 ? 24 : 64), 1, ct);
            }

            ban = history.Count > 0 ? history[0] : null;
        }

        var incidents = ban is null ? [] : await _store.ListIncidentsByBanAsync(ban.Ban.Id, ct);
        if (incidents.Count == 0)
        {
            var bySource = await _store.ListIncidentsBySourceAsync(SourceKey.ForAddress(address), 20, ct);
            incidents = [.. bySource.Reverse()];
        }

        var explanation = new BanExplanation { Address = address, Ban = ban, Active = active, Incidents = incidents };
        if (_kernel is null)
        {
            explanation = explanation with { KernelProblem = "the kernel was not read" };
        }
        else
        {
            try
            {
                var json = await _kernel.ListTableJsonAsync();
                if (json is null)
                {
                    explanation = explanation with { KernelProblem = $"table inet {_kernel.Ruleset.Table} does not exist; is `portveil run` running?" };
                }
                else
                {
                    var rules = RuleSetExplainer.Explain(json);
                    var known = address.IsIPv4 ? PortVeilRuleset.Known4 : PortVeilRuleset.Known6;
                    if (rules.Sets.Any(s => s.Name == known))
                    {
                        explanation = explanation with { PassedGating = RuleSetExplainer.SetContains(json, known, address) };
                    }

                    foreach (var k in await _kernel.ListAsync(ct))
                    {
                        if (k.Source == SourceKey.ForAddress(address) || k.Source == (address.IsIPv4 ? SourceKey.ForPrefix24(address) : SourceKey.ForPrefix64(address)))
                        {
                            var set = SetOf(k);
                            explanation = explanation with { KernelElement = k, KernelSet = set };
                            foreach (var chain in rules.Chains)
                            {
                                foreach (var rule in chain.Rules)
                                {
                                    if (rule.Sets.Contains(set) && rule.Text.EndsWith("drop", StringComparison.Ordinal))
                                    {
                                        explanation = explanation with { DroppingRule = rule, DroppingChain = chain };
                                    }
                                }
                            }

                            break;
                        }
                    }
                }
            }
            catch (NftException e)
            {
                explanation = explanation with { KernelProblem = e.Message };
            }
        }

        return BanExplainer.WithAccount(explanation, now);
    }

    /// <summary>The live table explained rule by rule; null when the table does not exist (or there is no kernel).</summary>
    public async Task<RuleSetExplanation?> ExplainRulesAsync()
    {
        var json = _kernel is null ? null : await _kernel.ListTableJsonAsync();
        return json is null ? null : RuleSetExplainer.Explain(json);
    }

    /// <summary>The operator's stored entries as allowlist entries; the running daemon's sync loop loads them into the live allowlist.</summary>
    public static async Task<IReadOnlyList<AllowlistEntry>> LoadOperatorEntriesAsync(IAllowStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var records = await store.ListAllowAsync(ct);
        var entries = new List<AllowlistEntry>(records.Count);
        foreach (var r in records)
        {
            entries.Add(ToEntry(r));
        }

        return entries;
    }

    internal static AllowlistEntry ToEntry(AllowRecord r) => new(
        new NetPrefix(r.Block.Address, r.Block.PrefixLength),
        AllowlistSource.Operator,
        r.Comment is null ? "added by an operator" : $"added by an operator: {r.Comment}");

    private async Task ReloadOperatorEntriesAsync(CancellationToken ct) =>
        _allowlist.SetOperatorEntries(await LoadOperatorEntriesAsync(_store, ct));

    /// <summary>The allowlist entry that protects <paramref name="target"/> (the live list, then the stored operator entries); null when none.</summary>
    private async Task<AllowlistEntry?> FindAllowlistedAsync(NetPrefix target, CancellationToken ct)
    {
        var index = _allowlist.Current;
        if (target.IsSingleAddress ? index.TryMatch(target.Network, out var hit) : index.TryFindOverlap(target, out hit))
        {
            return hit;
        }

        foreach (var r in await _store.ListAllowAsync(ct))
        {
            var entry = ToEntry(r);
            if (entry.Prefix.Overlaps(target))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Ends stored bans and removes kernel elements inside <paramref name="block"/>; with <paramref name="overlapping"/>
    /// (a new allowlist entry) also the subnet bans that contain part of it: a /24 holding an allowlisted address is
    /// never banned whole.
    /// </summary>
    private async Task<(int Ended, int Elements, List<string> Warnings, string? KernelError)> LiftAsync(NetPrefix block, BanEndReason reason, CancellationToken ct, bool overlapping = false)
    {
        var now = _time.GetUtcNow();
        var ended = 0;
        foreach (var s in await _store.ListActiveBansAsync(now, ct))
        {
            var target = new NetPrefix(s.Ban.Target.Address, s.Ban.Target.PrefixLength);
            if (!Inside(target, block) && !(overlapping && target.Overlaps(block)))
            {
                continue;
            }

            // Before the store commits the end: the daemon's sync loop may read it back at any moment after that.
            Ending?.Invoke(s.Ban.Id);
            if (await _store.EndBanAsync(new BanEnd(s.Ban.Id, reason, now), ct))
            {
                ended++;
                _policy?.Release(target);
            }
        }

        _policy?.Release(block);
        var warnings = new List<string>();
        var elements = 0;
        var error = await TryKernelAsync(warnings, "only storage changed; `portveil run` restores only bans still active", async k =>
        {
            var sources = new List<SourceKey>();
            foreach (var b in await k.ListAsync(ct))
            {
                var prefix = ToPrefix(b.Source);
                if ((Inside(prefix, block) || (overlapping && prefix.Overlaps(block))) && !sources.Contains(b.Source))
                {
                    sources.Add(b.Source);
                }
            }

            await k.UnbanAsync(sources, ct);
            elements = sources.Count;
        });
        return (ended, elements, warnings, error);
    }

    private async Task<StoredBan?> FindCoveringBanAsync(NetPrefix target, CancellationToken ct) =>
        FindCovering(await _store.ListActiveBansAsync(_time.GetUtcNow(), ct), target);

    private static StoredBan? FindCovering(IReadOnlyList<StoredBan> bans, NetPrefix target)
    {
        foreach (var s in bans)
        {
            var b = new NetPrefix(s.Ban.Target.Address, s.Ban.Target.PrefixLength);
            if (b.Length < target.Length && Inside(target, b))
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the kernel when there is one and its table exists; a missing table becomes a
    /// warning (nothing to enforce into), a refusal is returned as the error text.
    /// </summary>
    private async Task<string?> TryKernelAsync(List<string> warnings, string whenAbsent, Func<NftEnforcer, Task> work)
    {
        if (_kernel is null)
        {
            warnings.Add($"the kernel was not touched; {whenAbsent}");
            return null;
        }

        try
        {
            if (!await TableExistsAsync())
            {
                warnings.Add($"table inet {_kernel.Ruleset.Table} does not exist (is `portveil run` running?); {whenAbsent}");
                return null;
            }

            await work(_kernel);
            return null;
        }
        catch (NftException e)
        {
            return e.Message;
        }
    }

    private async Task<bool> TableExistsAsync()
    {
        try
        {
            return _kernel is not null && await _kernel.TableExistsAsync();
        }
        catch (NftException)
        {
            return false;
        }
    }

    private static bool Inside(NetPrefix inner, NetPrefix outer) =>
        inner.IsIPv4 == outer.IsIPv4 && inner.Length >= outer.Length && outer.Contains(inner.Network);

    private static BanTarget ToBlock(NetPrefix p) => new(p.Network, p.Length);

    private static SourceKey ToSourceKey(NetPrefix p) =>
        SourceKey.TryForNetwork(p.Network, p.Length, out var key) ? key : throw new ArgumentException($"no kernel set holds {p}", nameof(p));

    private static NetPrefix ToPrefix(SourceKey key) => key.IsNetwork ? new NetPrefix(key.Address, key.PrefixLength) : NetPrefix.ForAddress(key.Address);

    private static string SetOf(ActiveBan b) => (b.Source.Kind, b.ByReflex) switch
    {
        (SourceKeyKind.IPv4, false) => PortVeilRuleset.Banned4,
        (SourceKeyKind.IPv4, true) => PortVeilRuleset.ReflexBanned4,
        (SourceKeyKind.IPv6Prefix64, _) => PortVeilRuleset.Banned6Prefix64,
        (SourceKeyKind.IPv4Prefix24, _) => PortVeilRuleset.Banned4Prefix24,
        (_, false) => PortVeilRuleset.Banned6,
        _ => PortVeilRuleset.ReflexBanned6,
    };

    private static string Describe(BanTarget t) => t.ToString();

    /// <summary>"2h", "1d 4h", "90s": whole units, largest two.</summary>
    internal static string Format(TimeSpan t)
    {
        var c = CultureInfo.InvariantCulture;
        if (t < TimeSpan.FromMinutes(1))
        {
            return string.Create(c, $"{Math.Max(0, (long)Math.Round(t.TotalSeconds))}s");
        }

        if (t < TimeSpan.FromHours(1))
        {
            return t.Seconds > 0 ? string.Create(c, $"{t.Minutes}m {t.Seconds}s") : string.Create(c, $"{t.Minutes}m");
        }

        if (t < TimeSpan.FromDays(1))
        {
            return t.Minutes > 0 ? string.Create(c, $"{t.Hours}h {t.Minutes}m") : string.Create(c, $"{t.Hours}h");
        }

        return t.Hours > 0 ? string.Create(c, $"{(long)t.TotalDays}d {t.Hours}h") : string.Create(c, $"{(long)t.TotalDays}d");
    }
}
