namespace PortVeil.Storage.Postgres;

/// <summary>What the fleet listener heard: one announced ban, or "(re)connected: catch up on what was missed".</summary>
public readonly record struct BanSignal(Guid? BanId)
{
    public static BanSignal CatchUp => new(null);
}
