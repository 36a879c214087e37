namespace PortVeil.Core;

/// <summary>Which way a packet travels relative to the protected host.</summary>
public enum PacketDirection : byte
{
    /// <summary>Not known (a capture before the analyzer has decided which addresses are local).</summary>
    Unknown = 0,

    /// <summary>From a remote peer to the protected host.</summary>
    Inbound = 1,

    /// <summary>From the protected host to a remote peer (a reply: SYN/ACK, RST, ICMP unreachable, UDP answer).</summary>
    Outbound = 2,
}
