namespace PortVeil.Storage;

/// <summary>Rows one prune deleted, per table.</summary>
public readonly record struct PruneResult(long EventRows, long Incidents, long Bans)
{
    public long Total => EventRows + Incidents + Bans;
}
