using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement;

namespace PortVeil.Daemon.Fleet;

/// <summary>The fleet half of kernel-ban recovery at start (<see cref="KernelRecoveryPlan"/>): other hosts' bans found in this kernel.</summary>
internal static class FleetRecovery
{
    /// <summary>Logs the imported bans kept as their origin's, and removes those an operator lifted while this host was down.</summary>
    public static async Task ApplyAsync(KernelRecoveryPlan plan, IBanEnforcer enforcer, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var (element, record) in plan.Foreign)
        {
            LogMessages.RecoveryKeptForeign(logger, element.Source.ToString(), record.Ban.OriginHost);
        }

        if (plan.Lifted.Count == 0)
        {
            return;
        }

        var keys = new List<Core.SourceKey>(plan.Lifted.Count);
        foreach (var (element, record) in plan.Lifted)
        {
            keys.Add(element.Source);
            LogMessages.RecoveryLiftedForeign(logger, element.Source.ToString(), record.Ban.OriginHost, record.EndReason?.ToString().ToLowerInvariant() ?? "ended");
        }

        await enforcer.UnbanAsync(keys, cancellationToken);
    }
}
