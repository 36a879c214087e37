namespace PortVeil.Detection.Distributed;

/// <summary>How a group of sources is formed.</summary>
internal enum GroupKind : byte
{
    None = 0,

    /// <summary>The same IPv4 /24.</summary>
    Prefix24 = 1,

    /// <summary>The same IPv6 /64.</summary>
    Prefix64 = 2,

    /// <summary>The same scanner tool fingerprint, from anywhere.</summary>
    Fingerprint = 3,
}
