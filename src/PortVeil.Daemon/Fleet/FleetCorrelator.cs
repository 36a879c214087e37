using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;

namespace PortVeil.Daemon.Fleet;

/// <summary>
/// Cross-host correlation: finds a scanner that probes each host of the fleet too lightly for any one of them to
/// decide (two or three unserved ports a host) but fails on many hosts in all, and bans it fleet-wide. Every host
/// writes per-minute event rows with its name into the shared database; every
/// <see cref="FleetOptions.CorrelationInterval"/> this asks for sources that failed on at least
/// <see cref="FleetOptions.CorrelationHosts"/> hosts with <see cref="FleetOptions.CorrelationFailures"/> failures in
/// all, and hands each one, as a <see cref="DetectorKind.Distributed"/> verdict, to this host's policy (the
/// allowlist wins, budgets hold, escalation counts).
/// </summary>
/// <remarks>
/// Every host may run it: the ban and its incident are written in one transaction under an advisory lock that
/// first checks for an active ban of the address, so hosts racing on one scanner make one ban; the loser releases
/// its policy entry and imports the winner's ban through the ordinary NOTIFY path (<see cref="FleetImporter"/>).
/// </remarks>
public sealed partial class FleetCorrelator
{
    private readonly PostgresStore _store;
    private readonly BanPolicy _policy;
    private readonly IBanEnforcer _enforcer;
    private readonly FleetOptions _options;
    private readonly string _hostName;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    // Sources the policy refused (allowlisted, over budget): not asked again until this time, so a refused source
    // is logged once per window, not every interval.
    private readonly Dictionary<NetAddress, DateTimeOffset> _refusedUntil = [];
    private long _bans;
    private long _lost;
    private long _refused;

    internal FleetCorrelator(PostgresStore store, BanPolicy policy, IBanEnforcer enforcer, FleetOptions options, string hostName, ILogger logger,
        TimeProvider? time = null)
    {
        _store = store;
        _policy = policy;
        _enforcer = enforcer;
        _options = options;
        _hostName = hostName;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Distributed-scan bans this host made.</summary>
    public long Bans => Interlocked.Read(ref _bans);

    /// <summary>Correlated sources another host banned first (this host then imports that ban).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Correlated sources and prefixes the policy refused (allowlisted, over budget, unverified single probes).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Raised after each ban this host recorded (after the kernel call), with its incident's id.</summary>
    public event Action<BanRecord, Guid, Verdict>? Banned;

    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(_options.CorrelationInterval, _time, cancellationToken);
                try
                {
                    await CorrelateOnceAsync(cancellationToken);
                }
                catch (Exception e) when (e is StorageException or Enforcement.Nftables.NftException or InvalidOperationException)
                {
                    // The database or the kernel is briefly unavailable: the next interval tries again.
                    LogMessages.CorrelationFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One correlation pass; returns the bans this host recorded.</summary>
    internal async Task<int> CorrelateOnceAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        Forget(now);
        var found = await _store.FindCorrelatedSourcesAsync(now - _options.CorrelationWindow, now, _options.CorrelationHosts, _options.CorrelationFailures,
            cancellationToken: ct);
        var made = 0;
        foreach (var candidate in found)
        {
            if (_refusedUntil.ContainsKey(candidate.Source))
            {
                continue;
            }

            if (await DecideAsync(candidate, now, ct))
            {
                made++;
            }
        }

        if (_options.CorrelationPrefixSources > 0)
        {
            made += await CorrelatePrefixesAsync(now, ct);
        }

        return made;
    }

    private async Task<bool> DecideAsync(CorrelatedSource candidate, DateTimeOffset now, CancellationToken ct)
    {
        var verdict = VerdictFor(candidate, now, _options);
        var decision = _policy.Decide(verdict, now);
        if (decision.Action != BanAction.Ban)
        {
            // Allowlisted, over budget, or (should a cohort suspect be correlated) a restriction: not a fleet ban.
            _refusedUntil[candidate.Source] = now + _options.CorrelationWindow;
            Interlocked.Increment(ref _refused);
            LogMessages.CorrelationSkipped(_logger, candidate.Source.ToString(), decision.Explanation);
            return false;
        }

        if (!await RecordAsync(verdict, decision, decision.Explanation, now, ct))
        {
            LogMessages.CorrelationLost(_logger, candidate.Source.ToString());
            return false;
        }

        return true;
    }

    /// <summary>
    /// Writes a ban the policy decided (one transaction, unless another host banned the target first) and enforces
    /// it here; false (and the policy entry released) when another host was first.
    /// </summary>
    private async Task<bool> RecordAsync(Verdict verdict, BanDecision decision, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var record = DecidedBanRecord.From(Guid.CreateVersion7(), decision, verdict, reason, DetectorKind.Distributed, _hostName);
        var incident = new IncidentRecord { Id = Guid.CreateVersion7(), Verdict = verdict, BanId = record.Id, OriginHost = _hostName };
        if (!await _store.TryRecordCorrelatedBanAsync(record, incident, now, ct))
        {
            // Another host's correlator (or detector) banned it first: its NOTIFY brings that ban here.
            _policy.Release(decision.Target);
            Interlocked.Increment(ref _lost);
            return false;
        }

        if (decision.Enforce)
        {
            await _enforcer.BanAsync(BanStage.KernelRequests(decision), ct);
            LogMessages.Ban(_logger, decision.Target.ToString(), decision.Duration, ScanNames.Of(verdict.Scan), ScanNames.Of(verdict.Detector),
                decision.EscalationLevel, decision.Explanation);
        }
        else
        {
            LogMessages.DryRunBan(_logger, decision.Target.ToString(), decision.Duration, decision.Explanation);
        }

        Interlocked.Increment(ref _bans);
        Banned?.Invoke(record, incident.Id, verdict);
        return true;
    }

    /// <summary>The evidence of a distributed scan: which hosts saw how many failures on which ports.</summary>
    internal static Verdict VerdictFor(CorrelatedSource candidate, DateTimeOffset now, FleetOptions options)
    {
        var ports = new List<ushort>();
        var first = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        var summary = new StringBuilder();
        summary.Append(CultureInfo.InvariantCulture,
            $"distributed scan: {candidate.TotalFailures} failed probes on {candidate.Hosts.Count} hosts (thresholds {options.CorrelationFailures} probes, {options.CorrelationHosts} hosts):");
        foreach (var h in candidate.Hosts)
        {
            summary.Append(CultureInfo.InvariantCulture, $" {h.Host} {h.Failures} (ports {string.Join(',', h.Ports)});");
            foreach (var p in h.Ports)
            {
                if (!ports.Contains(p))
                {
                    ports.Add(p);
                }
            }

            first = h.FirstSeen < first ? h.FirstSeen : first;
            last = h.LastSeen > last ? h.LastSeen : last;
        }

        summary.Length--;
        var total = candidate.TotalFailures;
        return new Verdict
        {
            Source = SourceKey.ForAddress(candidate.Source),
            Scan = ScanKind.Distributed,
            Detector = DetectorKind.Distributed,
            DecidedAtNs = now.ToUnixTimeMilliseconds() * 1_000_000,
            Evidence = new Evidence
            {
                Detector = DetectorKind.Distributed,
                Score = total,
                Threshold = options.CorrelationFailures,
                Summary = summary.ToString(),
                Probes = (int)Math.Min(total, int.MaxValue),
                PortsProbed = ports,
                ClosedPorts = ports,
                OpenPortsReached = [],
                HostsProbed = candidate.Hosts.Count,
                FirstSeenNs = first.ToUnixTimeMilliseconds() * 1_000_000,
                LastSeenNs = last.ToUnixTimeMilliseconds() * 1_000_000,
            },
        };
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (source, until) in _refusedUntil)
        {
            if (until <= now)
            {
                _refusedUntil.Remove(source);
            }
        }

        foreach (var (prefix, until) in _prefixDecidedUntil)
        {
            if (until <= now)
            {
                _prefixDecidedUntil.Remove(prefix);
            }
        }
    }
}
