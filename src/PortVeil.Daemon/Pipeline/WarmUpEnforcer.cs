using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// The enforcer behind the warm-up's <see cref="BanStage"/>: a ban goes through the real fast path into the
/// warm-up sets and is deleted again (<see cref="NftEnforcer.WarmUpBanPath"/>); nothing else is done.
/// </summary>
internal sealed class WarmUpEnforcer : IBanEnforcer
{
    private readonly NftEnforcer _enforcer;
    private int _roundTrips;
    private int _firstError = -1;

    public WarmUpEnforcer(NftEnforcer enforcer) => _enforcer = enforcer;

    /// <summary>Kernel round trips (add + delete) that succeeded.</summary>
    public int RoundTrips => _roundTrips;

    /// <summary>-1 while none failed; else the errno of the first failed round trip (or -1 for "no fast path").</summary>
    public int FirstError => _firstError;

    /// <summary>Rounds that did not reach the kernel or failed there.</summary>
    public int Failures { get; private set; }

    public void Ban(IReadOnlyList<BanRequest> bans)
    {
        // The policy's duration (an hour or more) becomes 1 s: an element a failed delete leaves behind expires at once.
        var shortLived = new BanRequest[bans.Count];
        for (var i = 0; i < shortLived.Length; i++)
        {
            shortLived[i] = new BanRequest(bans[i].Source, TimeSpan.FromSeconds(1));
        }

        var errno = _enforcer.WarmUpBanPath(shortLived);
        if (errno == 0)
        {
            _roundTrips++;
            return;
        }

        Failures++;
        if (Failures == 1)
        {
            _firstError = errno;
        }
    }

    public Task BanAsync(IReadOnlyList<BanRequest> bans, CancellationToken cancellationToken = default)
    {
        Ban(bans);
        return Task.CompletedTask;
    }

    // Rehearsal verdicts never restrict, unban or list: no kernel state may change.
    public Task EnsureTableAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RestrictAsync(IReadOnlyList<BanRequest> suspects, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task UnbanAsync(IReadOnlyList<SourceKey> sources, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<ActiveBan>> ListAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<ActiveBan>>([]);
}
