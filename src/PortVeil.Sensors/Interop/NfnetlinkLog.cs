namespace PortVeil.Sensors.Interop;

/// <summary>
/// nfnetlink_log, the NFLOG target's transport (include/uapi/linux/netfilter/nfnetlink_log.h). Values inside
/// NFLOG attributes are big-endian (network order), unlike the netlink headers around them.
/// </summary>
internal static class NfnetlinkLog
{
    public const byte MessagePacket = 0;
    public const byte MessageConfig = 1;

    // enum nfulnl_attr_type (NFULA_*), attributes of a NFULNL_MSG_PACKET message.
    public const ushort AttrPacketHeader = 1;
    public const ushort AttrMark = 2;
    public const ushort AttrTimestamp = 3;
    public const ushort AttrIfIndexInDev = 4;
    public const ushort AttrIfIndexOutDev = 5;
    public const ushort AttrIfIndexPhysInDev = 6;
    public const ushort AttrIfIndexPhysOutDev = 7;
    public const ushort AttrHardwareAddress = 8;
    public const ushort AttrPayload = 9;
    public const ushort AttrPrefix = 10;
    public const ushort AttrUid = 11;
    public const ushort AttrSequence = 12;
    public const ushort AttrSequenceGlobal = 13;
    public const ushort AttrGid = 14;
    public const ushort AttrHardwareType = 15;
    public const ushort AttrHardwareHeader = 16;
    public const ushort AttrHardwareLength = 17;
    public const ushort AttrConntrack = 18;
    public const ushort AttrConntrackInfo = 19;
    public const ushort AttrVlan = 20;
    public const ushort AttrL2Header = 21;

    /// <summary>struct nfulnl_msg_packet_hdr: __be16 hw_protocol, u8 hook, u8 pad.</summary>
    public const int PacketHeaderLength = 4;

    /// <summary>struct nfulnl_msg_packet_timestamp: __be64 sec, __be64 usec.</summary>
    public const int TimestampLength = 16;

    // enum nfulnl_attr_config (NFULA_CFG_*), attributes of a NFULNL_MSG_CONFIG message.
    public const ushort AttrConfigCommand = 1;
    public const ushort AttrConfigMode = 2;
    public const ushort AttrConfigBufferSize = 3;
    public const ushort AttrConfigTimeout = 4;
    public const ushort AttrConfigQueueThreshold = 5;
    public const ushort AttrConfigFlags = 6;

    // enum nfulnl_msg_config_cmds.
    public const byte CommandNone = 0;
    public const byte CommandBind = 1;
    public const byte CommandUnbind = 2;
    public const byte CommandPfBind = 3;
    public const byte CommandPfUnbind = 4;

    /// <summary>NFULNL_COPY_PACKET: copy the first copy_range bytes of the packet.</summary>
    public const byte CopyPacket = 2;

    /// <summary>struct nfulnl_msg_config_mode (packed): __be32 copy_range, u8 copy_mode, u8 pad.</summary>
    public const int ConfigModeLength = 6;

    /// <summary>The kernel accepts nlbufsiz from NLMSG_GOODSIZE (~4 KiB) to 128 KiB (nfulnl_set_nlbufsiz).</summary>
    public const int MaxBufferSize = 131072;
}
