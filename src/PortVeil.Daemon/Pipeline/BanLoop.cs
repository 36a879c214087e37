using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Daemon.Api;
using PortVeil.Daemon.Metrics;
using PortVeil.Daemon.Notifications;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Verdicts in, bans out: the policy decides, the kernel enforces, storage remembers. The order is chosen so that
/// a slow or broken database never delays a ban (storage only gets a non-blocking enqueue), and a failed kernel
/// ban never loses the evidence (the incident is queued whatever the kernel said).
/// </summary>
internal sealed class BanLoop
{
    private readonly VerdictChannel _verdicts;
    private readonly BanPolicy _policy;
    private readonly IBanEnforcer _enforcer;
    private readonly EventWriter _writer;
    private readonly string _host;
    private readonly ILogger _logger;
    private readonly IncidentNotifier? _notifier;
    private readonly LatencyRecorder _latency = new();
    private readonly PortVeilMetrics? _metrics;
    private readonly LiveFeed? _feed;
    private long _bans;
    private long _restrictions;
    private long _banFailures;
    private long _skipped;

    public BanLoop(VerdictChannel verdicts, BanPolicy policy, IBanEnforcer enforcer, EventWriter writer, string host, ILogger logger,
        IncidentNotifier? notifier = null, PortVeilMetrics? metrics = null, LiveFeed? feed = null)
    {
        _notifier = notifier is { Enabled: true } ? notifier : null;
        _metrics = metrics;
        _feed = feed;
        _verdicts = verdicts;
        _policy = policy;
        _enforcer = enforcer;
        _writer = writer;
        _host = host;
        _logger = logger;
    }

    public long Bans => Interlocked.Read(ref _bans);

    /// <summary>Decoy-cohort suspects restricted in the kernel (not counted in <see cref="Bans"/>).</summary>
    public long Restrictions => Interlocked.Read(ref _restrictions);

    public long BanFailures => Interlocked.Read(ref _banFailures);

    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>From the deciding packet's kernel timestamp to the ban being committed in the kernel set.</summary>
    public LatencyRecorder BanLatency => _latency;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var verdict in _verdicts.Reader.ReadAllAsync(cancellationToken))
        {
            await HandleAsync(verdict, cancellationToken);
        }
    }

    internal async Task HandleAsync(Verdict verdict, CancellationToken cancellationToken)
    {
        var decision = _policy.Decide(verdict);
        _metrics?.Verdict(verdict.Detector, verdict.Scan);
        Guid? banId = null;
        BanRecord? record = null;
        var inKernel = false;
        var incidentId = Guid.CreateVersion7();
        if (decision.Action == BanAction.Skip)
        {
            Interlocked.Increment(ref _skipped);
            LogMessages.Skipped(_logger, verdict.Source.ToString(), decision.Explanation);
        }
        else
        {
            banId = Guid.CreateVersion7();
            if (decision.Enforce)
            {
                inKernel = await EnforceAsync(decision, cancellationToken);
            }
            else if (decision.Action == BanAction.Restrict)
            {
                LogMessages.DryRunRestrict(_logger, Describe(decision.Target), decision.Duration, decision.Explanation);
            }
            else
            {
                LogMessages.DryRunBan(_logger, Describe(decision.Target), decision.Duration, decision.Explanation);
            }

            record = new BanRecord
            {
                Id = banId.Value,
                Target = new BanTarget(decision.Target.Network, decision.Target.Length),
                Reason = decision.Explanation,
                Detector = verdict.Detector,
                Scan = verdict.Scan,
                Tool = verdict.Tool,
                StartedAt = decision.DecidedAt,
                ExpiresAt = decision.ExpiresAt,
                EscalationLevel = decision.EscalationLevel,
                OriginHost = _host,
                DryRun = decision.DryRun,
            };
            if (!_writer.TryWriteBan(record))
            {
                LogMessages.StorageQueueFull(_logger, "ban", record.Target.ToString());
            }

            if (record.DryRun || inKernel)
            {
                _metrics?.Ban(record.DryRun);
            }

            if (_feed is not null && (record.DryRun || inKernel))
            {
                // The dashboard shows the ban at once, explained by the verdict that caused it.
                var incident = new StoredIncident { Id = Guid.Empty, Verdict = verdict, BanId = banId, OriginHost = _host };
                _feed.Publish("ban", BanView.From(new StoredBan { Ban = record }, [incident], decision.DecidedAt));
            }
        }

        if (!_writer.TryWriteIncident(new IncidentRecord { Id = incidentId, Verdict = verdict, BanId = banId, OriginHost = _host }))
        {
            LogMessages.StorageQueueFull(_logger, "incident", verdict.Source.ToString());
        }

        // After storage and the kernel: notifications only enqueue, and a receiver never delays a ban.
        if (_notifier is not null)
        {
            if (inKernel)
            {
                _notifier.OnBan(record!, incidentId, verdict);
            }

            _notifier.OnIncident(incidentId, verdict, _host, record);
        }

        _feed?.Publish("incident", IncidentView.From(incidentId, verdict, banId));
    }

    /// <summary>True when the kernel took the ban.</summary>
    private async Task<bool> EnforceAsync(BanDecision decision, CancellationToken cancellationToken)
    {
        var requests = KernelRequests(decision);
        try
        {
            if (decision.Action == BanAction.Restrict)
            {
                await _enforcer.RestrictAsync(requests, cancellationToken);
                Interlocked.Increment(ref _restrictions);
                LogMessages.Restrict(_logger, Describe(decision.Target), decision.Duration, ScanNames.Of(decision.Verdict.Scan),
                    ScanNames.Of(decision.Verdict.Detector), decision.Explanation);
                return true;
            }

            await _enforcer.BanAsync(requests, cancellationToken);
            var latencyNs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100 - decision.Verdict.DecidedAtNs;
            _latency.Record(latencyNs);
            _metrics?.BanLatency(latencyNs / 1e9);
            Interlocked.Increment(ref _bans);
            LogMessages.Ban(_logger, Describe(decision.Target), decision.Duration, ScanNames.Of(decision.Verdict.Scan),
                ScanNames.Of(decision.Verdict.Detector), decision.EscalationLevel, decision.Explanation);
            return true;
        }
        catch (Exception e) when (e is NftException or InvalidOperationException or IOException)
        {
            Interlocked.Increment(ref _banFailures);
            _metrics?.BanFailure();
            _policy.Release(decision.Target);
            LogMessages.BanFailed(_logger, e, Describe(decision.Target));
            return false;
        }
    }

    /// <summary>
    /// The kernel sets hold single addresses and IPv6 /64s; an IPv4 /24 subnet ban becomes one element per member
    /// that triggered it (the members are the scanners actually seen).
    /// </summary>
    internal static IReadOnlyList<BanRequest> KernelRequests(BanDecision decision)
    {
        var target = decision.Target;

        // A restriction names only its own address; the cohort's other members get their own decisions.
        if (target.IsSingleAddress || decision.Action == BanAction.Restrict)
        {
            return [new BanRequest(SourceKey.ForAddress(target.Network), decision.Duration)];
        }

        if (!target.IsIPv4 && target.Length == 64)
        {
            return [new BanRequest(SourceKey.ForPrefix64(target.Network), decision.Duration)];
        }

        var requests = new List<BanRequest>(decision.Members.Count + 1);
        foreach (var m in decision.Members)
        {
            requests.Add(new BanRequest(SourceKey.ForAddress(m), decision.Duration));
        }

        var source = decision.Verdict.Source;
        if (!source.IsPrefix && !decision.Members.Contains(source.Address))
        {
            requests.Add(new BanRequest(source, decision.Duration));
        }

        return requests;
    }

    private static string Describe(NetPrefix p) => p.IsSingleAddress ? p.Network.ToString() : $"{p.Network}/{p.Length}";
}
