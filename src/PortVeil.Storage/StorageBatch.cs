namespace PortVeil.Storage;

/// <summary>Writes that go to the database in one transaction, in this order: bans, ban ends, incidents, events.</summary>
/// <remarks>Bans come before incidents so an incident's ban link points at a row that exists once both are written.</remarks>
public sealed class StorageBatch
{
    public List<BanRecord> Bans { get; } = [];

    public List<BanEnd> BanEnds { get; } = [];

    public List<IncidentRecord> Incidents { get; } = [];

    public List<EventAggregate> Events { get; } = [];

    public int Count => Bans.Count + BanEnds.Count + Incidents.Count + Events.Count;

    public void Clear()
    {
        Bans.Clear();
        BanEnds.Clear();
        Incidents.Clear();
        Events.Clear();
    }
}
