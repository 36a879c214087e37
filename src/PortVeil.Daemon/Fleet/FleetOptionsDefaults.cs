namespace PortVeil.Daemon.Fleet;

public static class FleetOptionsDefaults
{
    /// <summary>1: one host's verdict is enough, as on a single host. Raise it when a member's judgement alone should not block everywhere.</summary>
    public const int Consensus = 1;

    /// <summary>1 hour: a scan that sweeps a fleet reaches every host within minutes; reports older than this are another campaign.</summary>
    public static readonly TimeSpan ConsensusWindow = TimeSpan.FromHours(1);

    /// <summary>5 s: NOTIFY is the fast path (milliseconds); this only bounds how long a dropped signal can go unnoticed.</summary>
    public static readonly TimeSpan CatchUpInterval = TimeSpan.FromSeconds(5);
}
