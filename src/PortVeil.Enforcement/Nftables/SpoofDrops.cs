namespace PortVeil.Enforcement.Nftables;

/// <summary>Packets chain `spoof` dropped since the table was (re)built, read from its rule counters.</summary>
/// <param name="LocalSource">Unicast packets for this host arriving from outside with one of its own (or a loopback) addresses as source.</param>
/// <param name="ReversePath">Packets whose source has no route back through the interface they came in on (strict) or none at all (loose).</param>
public readonly record struct SpoofDrops(long LocalSource, long ReversePath)
{
    public long Total => LocalSource + ReversePath;
}
