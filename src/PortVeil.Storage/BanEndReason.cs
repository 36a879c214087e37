namespace PortVeil.Storage;

/// <summary>Why a ban stopped being active. Stored by name (see <see cref="StorageNames"/>).</summary>
public enum BanEndReason : byte
{
    /// <summary>Its time ran out (the kernel element's timeout fired too).</summary>
    Expired = 1,

    /// <summary>An operator removed it (`portveil bans remove`, the API).</summary>
    Unbanned = 2,

    /// <summary>A longer or wider ban (a subnet ban) replaced it.</summary>
    Superseded = 3,

    /// <summary>The address was added to the allowlist while banned.</summary>
    Allowlisted = 4,
}
