namespace PortVeil.Core;

/// <summary>TCP option kinds (RFC 9293 and friends) that fingerprints look at.</summary>
public enum TcpOptionKind : byte
{
    EndOfList = 0,
    NoOp = 1,
    Mss = 2,
    WindowScale = 3,
    SackPermitted = 4,
    Sack = 5,
    Timestamps = 8,
}
