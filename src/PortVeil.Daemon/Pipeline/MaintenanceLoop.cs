using Microsoft.Extensions.Logging;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Housekeeping off the hot path: marks bans whose kernel timeout has passed as ended (so history and escalation
/// see them), and prunes old rows by the retention settings so the database cannot grow without bound.
/// </summary>
internal sealed class MaintenanceLoop
{
    /// <summary>Expired bans are marked once a minute: the kernel already dropped them; this is bookkeeping.</summary>
    public static readonly TimeSpan ExpireEvery = TimeSpan.FromMinutes(1);

    /// <summary>Retention runs hourly: rows are kept for days, an hour of slack is nothing.</summary>
    public static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly IBanStore _bans;
    private readonly IStorePruner _pruner;
    private readonly RetentionOptions _retention;
    private readonly ILogger _logger;

    public MaintenanceLoop(IBanStore bans, IStorePruner pruner, RetentionOptions retention, ILogger logger)
    {
        _bans = bans;
        _pruner = pruner;
        _retention = retention;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextPrune = DateTimeOffset.UtcNow;
        using var timer = new PeriodicTimer(ExpireEvery);
        do
        {
            var now = DateTimeOffset.UtcNow;
            try
            {
                await _bans.ExpireBansAsync(now, cancellationToken);
                if (now >= nextPrune)
                {
                    var pruned = await _pruner.PruneAsync(_retention, now, cancellationToken);
                    LogMessages.Pruned(_logger, pruned.EventRows, pruned.Incidents, pruned.Bans);
                    nextPrune = now + PruneEvery;
                }
            }
            catch (StorageException e)
            {
                // The database is down: bans keep working in the kernel; try again next round.
                LogMessages.MaintenanceFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
