namespace PortVeil.Core;

/// <summary>The tool a fingerprint points at. Evidence, never a verdict on its own.</summary>
public enum ScannerTool : byte
{
    Unknown = 0,
    Nmap,
    Masscan,
    Zmap,
    Mirai,
    /// <summary>A raw SYN without SACK-permitted and window scale: no modern OS stack sends one.</summary>
    RawSyn,
    Hping,
}
