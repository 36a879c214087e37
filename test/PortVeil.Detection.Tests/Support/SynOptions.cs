namespace PortVeil.Detection.Tests.Support;

/// <summary>TCP option sets seen on real SYNs.</summary>
public enum SynOptions
{
    /// <summary>Linux: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7 (every modern OS sends SACK + WS).</summary>
    Linux,

    /// <summary>nmap -sS: a lone MSS 1460.</summary>
    Nmap,

    /// <summary>No options at all (hping3, masscan, zmap, Mirai).</summary>
    None,
}
