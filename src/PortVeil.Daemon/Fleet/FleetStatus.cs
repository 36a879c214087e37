namespace PortVeil.Daemon.Fleet;

/// <summary>The fleet's counters now, read by /metrics at scrape time (all zero on a host without fleet mode).</summary>
public readonly record struct FleetStatus
{
    /// <summary>True while the NOTIFY listener is connected and listening.</summary>
    public bool ListenerConnected { get; init; }

    /// <summary>Reconnects of the listener after its first connection.</summary>
    public long ListenerReconnects { get; init; }

    /// <summary>Other hosts' bans waiting here for the consensus.</summary>
    public int AwaitingConsensus { get; init; }

    /// <summary>Ended-ban (unban) notifications heard.</summary>
    public long UnbanNotifications { get; init; }

    /// <summary>Single-source correlation bans this host recorded.</summary>
    public long SourceBans { get; init; }

    /// <summary>Multi-source (prefix) correlation bans this host recorded.</summary>
    public long PrefixBans { get; init; }

    /// <summary>Correlations another host banned first.</summary>
    public long Lost { get; init; }

    /// <summary>Correlations the policy refused.</summary>
    public long Refused { get; init; }

    /// <summary>
    /// Other sessions that were connected to the database under this host's fleet listener name when fleet mode
    /// started (<see cref="FleetHostNameCheck"/>): above 0, another host runs under the same fleet.host_name.
    /// </summary>
    public int DuplicateHostNameSessions { get; init; }

    internal static FleetStatus Of(FleetImporter? importer, FleetCorrelator? correlator, int duplicateHostNameSessions) => new()
    {
        DuplicateHostNameSessions = duplicateHostNameSessions,
        ListenerConnected = importer?.Listening ?? false,
        ListenerReconnects = Math.Max(0, (importer?.Connects ?? 0) - 1),
        AwaitingConsensus = importer?.AwaitingConsensus ?? 0,
        UnbanNotifications = importer?.EndsHeard ?? 0,
        SourceBans = correlator is null ? 0 : correlator.Bans - correlator.PrefixBans,
        PrefixBans = correlator?.PrefixBans ?? 0,
        Lost = correlator?.Lost ?? 0,
        Refused = correlator?.Refused ?? 0,
    };
}
