namespace PortVeil.Enforcement.Policy;

/// <summary>The ban budget that stopped a ban.</summary>
public enum BanBudget : byte
{
    None = 0,

    /// <summary>Individual bans per /24 or /64 per hour (<see cref="PolicyOptions.SubnetBudgetPerHour"/>).</summary>
    Subnet,

    /// <summary>New bans per minute overall (<see cref="PolicyOptions.BansPerMinute"/>).</summary>
    Rate,

    /// <summary>Active bans at once (<see cref="PolicyOptions.MaxActiveBans"/>).</summary>
    Concurrent,
}
