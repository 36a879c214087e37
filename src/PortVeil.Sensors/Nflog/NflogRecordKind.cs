namespace PortVeil.Sensors.Nflog;

/// <summary>What one netlink message in a received datagram turned out to be.</summary>
internal enum NflogRecordKind : byte
{
    /// <summary>No more messages in the datagram.</summary>
    End = 0,

    /// <summary>An NFULNL_MSG_PACKET decoded into the caller's <see cref="Core.PacketEvent"/>.</summary>
    Packet = 1,

    /// <summary>Framing the kernel sends around packets (NLMSG_DONE after a batch, NOOP, an ACK): nothing to report.</summary>
    Control = 2,

    /// <summary>A bad or unexpected message; the error text and byte offset say what and where.</summary>
    Error = 3,
}
