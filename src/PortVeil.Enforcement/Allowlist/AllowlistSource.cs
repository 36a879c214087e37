namespace PortVeil.Enforcement.Allowlist;

/// <summary>Where an allowlist entry came from.</summary>
public enum AllowlistSource : byte
{
    /// <summary>Never bannable by nature: loopback, unspecified, multicast, broadcast.</summary>
    Reserved = 0,

    /// <summary>Written by the administrator in the configuration.</summary>
    Static,

    /// <summary>A default gateway from the routing table.</summary>
    Gateway,

    /// <summary>A DNS resolver from resolv.conf.</summary>
    Resolver,

    /// <summary>One of this host's own addresses.</summary>
    HostAddress,

    /// <summary>The client of a live SSH session (the admin).</summary>
    AdminSsh,

    /// <summary>Added by an operator at run time (`portveil allow add`, the API) and kept in the database.</summary>
    Operator,
}
