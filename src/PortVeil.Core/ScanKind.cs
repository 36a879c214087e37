namespace PortVeil.Core;

/// <summary>What kind of scan a verdict describes. Names match the corpus truth files' "scan" field.</summary>
public enum ScanKind : byte
{
    Unknown = 0,
    Syn,
    Connect,
    Fin,
    Null,
    Xmas,
    Maimon,
    Ack,
    Window,
    SynFin,
    OddFlags,
    Udp,
    Sctp,
    IpProtocol,
    PingSweep,
    /// <summary>One or two ports across many destination hosts (horizontal scan).</summary>
    Sweep,
    Distributed,
}
