namespace PortVeil.Enforcement.Nftables;

/// <summary>How <see cref="NftEnforcer"/> runs.</summary>
public sealed record NftEnforcerOptions
{
    public PortVeilRulesetOptions Ruleset { get; init; } = new();

    /// <summary>
    /// A network namespace file (/var/run/netns/NAME) the enforcer's threads join before opening any socket;
    /// null: the namespace of the thread that constructs the enforcer.
    /// </summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>Re-create the table with its bans when someone else flushes or deletes it.</summary>
    public bool Watchdog { get; init; } = true;

    /// <summary>How often the watchdog checks the table when no nftables event woke it.</summary>
    public TimeSpan WatchdogInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Also listen to nftables change events (netlink group NFNLGRP_NFTABLES), so a deleted table is noticed at
    /// once instead of at the next poll.
    /// </summary>
    public bool NetlinkMonitor { get; init; } = true;

    /// <summary>Run every command as a dry run (nothing reaches the kernel): `portveil doctor` and previews.</summary>
    public bool DryRun { get; init; }
}
