namespace PortVeil.Enforcement.Nftables;

/// <summary>How chain `spoof` checks that a packet's source address could really have come in where it did (RFC 3704).</summary>
public enum ReversePathFilter
{
    /// <summary>No check (hosts with asymmetric or policy routing that the fib lookup cannot see).</summary>
    Off = 0,

    /// <summary>`fib saddr oif missing drop`: the source must be routable through some interface (RFC 3704 loose mode).</summary>
    Loose,

    /// <summary>
    /// `fib saddr . mark . iif oif missing drop`: the route back to the source must leave through the interface the packet
    /// came in on (RFC 3704 strict mode; the mark keeps fwmark policy routing working, as firewalld's rpfilter does).
    /// </summary>
    Strict,
}
