namespace PortVeil.Enforcement.ServedPorts;

/// <summary>How <see cref="ServedPortWatcher"/> discovers served ports.</summary>
public sealed record ServedPortWatcherOptions
{
    /// <summary>Half a second keeps the served set within a second of services starting and stopping.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Also serve ports published by DNAT rules (Docker, both firewall backends).</summary>
    public bool IncludeDnat { get; init; } = true;

    /// <summary>Ports served whatever the sockets say (configured by the admin).</summary>
    public IReadOnlyCollection<ServedPort> AlwaysServed { get; init; } = [];

    /// <summary>Our table's name, whose rules are never read as DNAT rules.</summary>
    public string OwnTable { get; init; } = Nftables.PortVeilRulesetDefaults.Table;

    /// <summary>A namespace file the watcher's thread joins first; null: the constructing thread's namespace.</summary>
    public string? NetworkNamespacePath { get; init; }
}
