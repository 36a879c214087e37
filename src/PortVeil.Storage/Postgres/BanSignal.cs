namespace PortVeil.Storage.Postgres;

/// <summary>
/// What the fleet listener heard: one announced ban (<see cref="Ended"/> false), one ended ban (unbanned, allowlisted,
/// superseded: <see cref="Ended"/> true), or "(re)connected: catch up on what was missed" (no id).
/// </summary>
public readonly record struct BanSignal(Guid? BanId, bool Ended = false)
{
    public static BanSignal CatchUp => new(null);
}
