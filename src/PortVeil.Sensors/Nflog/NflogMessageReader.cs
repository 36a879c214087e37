using System.Buffers.Binary;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.Interop;

namespace PortVeil.Sensors.Nflog;

/// <summary>
/// Walks the netlink messages in one datagram received from an NFLOG socket and decodes each packet in place.
/// </summary>
/// <remarks>
/// <para>The kernel batches up to qthresh packets into one datagram (nfnetlink_log.c, __nfulnl_send):</para>
/// <code>
/// nlmsghdr (16, host order: len, type = NFNL_SUBSYS_ULOG &lt;&lt; 8 | NFULNL_MSG_PACKET, flags, seq, pid)
///   nfgenmsg (4: family, version, res_id = group, big-endian)
///   nlattr* (4-byte header: len, type; value; padded to 4):
///     NFULA_PACKET_HDR  __be16 hw_protocol, u8 hook, u8 pad
///     NFULA_TIMESTAMP   __be64 sec, __be64 usec (input and forward hooks; 0 when the skb has no stamp)
///     NFULA_IFINDEX_INDEV / _OUTDEV  __be32 ifindex
///     NFULA_PREFIX      the rule's prefix, NUL-terminated
///     NFULA_PAYLOAD     the IP packet, cut to the configured copy range
/// ... more packet messages ...
/// nlmsghdr NLMSG_DONE (when the batch held more than one packet)
/// </code>
/// <para>Unknown attribute types are skipped, because new kernels add attributes (NFULA_VLAN, NFULA_L2HDR). A
/// truncated header, an attribute running past its message, an unexpected message type or an NLMSG_ERROR are
/// returned as <see cref="NflogRecordKind.Error"/> with the byte offset in the datagram; a bad message length
/// ends the datagram, because nothing after it can be framed. Nothing here throws or allocates, except the
/// error text.</para>
/// </remarks>
internal ref struct NflogMessageReader
{
    private static readonly ushort PacketType = Nfnetlink.MessageType(Nfnetlink.SubsystemUlog, NfnetlinkLog.MessagePacket);

    private readonly ReadOnlySpan<byte> _datagram;
    private readonly long _fallbackTimestampNs;
    private int _next;

    /// <param name="datagram">Bytes returned by one recv(2).</param>
    /// <param name="fallbackTimestampNs">Time given to packets without NFULA_TIMESTAMP (the receive time).</param>
    public NflogMessageReader(ReadOnlySpan<byte> datagram, long fallbackTimestampNs)
    {
        _datagram = datagram;
        _fallbackTimestampNs = fallbackTimestampNs;
        _next = 0;
    }

    /// <summary>Byte offset of the message most recently returned by <see cref="Next"/>.</summary>
    public int MessageOffset { get; private set; }

    /// <summary>The NFLOG group (res_id) of the packet most recently returned.</summary>
    public ushort Group { get; private set; }

    /// <summary>Reads the next message; on <see cref="NflogRecordKind.Packet"/>, <paramref name="packet"/> is filled.</summary>
    /// <param name="errorOffset">On error, the byte offset in the datagram where the problem is.</param>
    public NflogRecordKind Next(ref PacketEvent packet, out string? error, out int errorOffset)
    {
        error = null;
        errorOffset = -1;
        var remaining = _datagram.Length - _next;
        if (remaining <= 0)
        {
            return NflogRecordKind.End;
        }

        var offset = _next;
        MessageOffset = offset;
        if (remaining < Netlink.HeaderLength)
        {
            _next = _datagram.Length;
            return Fail("netlink header truncated: fewer than 16 bytes left in the datagram", offset, out error, out errorOffset);
        }

        var message = _datagram[offset..];
        var length = BinaryPrimitives.ReadUInt32LittleEndian(message);
        var type = BinaryPrimitives.ReadUInt16LittleEndian(message[4..]);
        if (length < Netlink.HeaderLength || length > (uint)remaining)
        {
            _next = _datagram.Length;
            return Fail("netlink message length is below 16 or runs past the datagram", offset, out error, out errorOffset);
        }

        _next = Math.Min(_datagram.Length, offset + Netlink.Align((int)length));
        message = message[..(int)length];
        var body = message[Netlink.HeaderLength..];

        if (type == PacketType)
        {
            return ReadPacket(body, offset + Netlink.HeaderLength, ref packet, out error, out errorOffset);
        }

        switch (type)
        {
            case Netlink.MessageDone:
            case Netlink.MessageNoop:
                return NflogRecordKind.Control;
            case Netlink.MessageError:
                if (body.Length < 4)
                {
                    return Fail("NLMSG_ERROR without an error code", offset, out error, out errorOffset);
                }

                var code = BinaryPrimitives.ReadInt32LittleEndian(body);
                return code == 0
                    ? NflogRecordKind.Control
                    : Fail("NLMSG_ERROR from the kernel: errno " + (-code).ToString(System.Globalization.CultureInfo.InvariantCulture), offset, out error, out errorOffset);
            case Netlink.MessageOverrun:
                return Fail("NLMSG_OVERRUN: the kernel lost messages", offset, out error, out errorOffset);
            default:
                return Fail("unexpected netlink message type 0x" + type.ToString("x4", System.Globalization.CultureInfo.InvariantCulture), offset, out error, out errorOffset);
        }
    }

    private NflogRecordKind ReadPacket(ReadOnlySpan<byte> body, int bodyOffset, ref PacketEvent packet, out string? error, out int errorOffset)
    {
        if (body.Length < Nfnetlink.GenericMessageLength)
        {
            return Fail("NFLOG packet message shorter than its 4-byte nfgenmsg", bodyOffset, out error, out errorOffset);
        }

        Group = BinaryPrimitives.ReadUInt16BigEndian(body[2..]);
        var timestampNs = _fallbackTimestampNs;
        var hasInDev = false;
        var hasOutDev = false;
        var tag = PacketTag.None;
        var payload = ReadOnlySpan<byte>.Empty;
        var payloadOffset = -1;

        var position = Nfnetlink.GenericMessageLength;
        while (position < body.Length)
        {
            var left = body.Length - position;
            if (left < Netlink.AttributeHeaderLength)
            {
                return Fail("attribute header truncated at the end of the message", bodyOffset + position, out error, out errorOffset);
            }

            var attributeLength = BinaryPrimitives.ReadUInt16LittleEndian(body[position..]);
            var attributeType = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(body[(position + 2)..]) & Netlink.AttributeTypeMask);
            if (attributeLength < Netlink.AttributeHeaderLength)
            {
                return Fail("attribute length below 4", bodyOffset + position, out error, out errorOffset);
            }

            if (attributeLength > left)
            {
                return Fail("attribute length runs past the end of the message", bodyOffset + position, out error, out errorOffset);
            }

            var value = body.Slice(position + Netlink.AttributeHeaderLength, attributeLength - Netlink.AttributeHeaderLength);
            switch (attributeType)
            {
                case NfnetlinkLog.AttrTimestamp:
                    if (value.Length < NfnetlinkLog.TimestampLength)
                    {
                        return Fail("NFULA_TIMESTAMP shorter than 16 bytes", bodyOffset + position, out error, out errorOffset);
                    }

                    var seconds = BinaryPrimitives.ReadInt64BigEndian(value);
                    var microseconds = BinaryPrimitives.ReadInt64BigEndian(value[8..]);
                    // skb_tstamp_cond() gives 0 when nothing on the host asked for receive time stamps; the
                    // receive time is then the best clock we have.
                    if (seconds != 0 || microseconds != 0)
                    {
                        timestampNs = (seconds * 1_000_000_000L) + (microseconds * 1_000L);
                    }

                    break;
                case NfnetlinkLog.AttrIfIndexInDev:
                    hasInDev = true;
                    break;
                case NfnetlinkLog.AttrIfIndexOutDev:
                    hasOutDev = true;
                    break;
                case NfnetlinkLog.AttrPrefix:
                    tag = NflogPrefixes.ToTag(value);
                    break;
                case NfnetlinkLog.AttrPayload:
                    payload = value;
                    payloadOffset = bodyOffset + position + Netlink.AttributeHeaderLength;
                    break;
                default:
                    // NFULA_PACKET_HDR's hw_protocol only repeats what the IP version nibble says; the decoder
                    // reads the nibble. Other attributes (mark, uid, hwaddr, conntrack, vlan…) are not needed.
                    break;
            }

            position += Netlink.Align(attributeLength);
        }

        if (payloadOffset < 0)
        {
            return Fail("NFLOG packet without NFULA_PAYLOAD (copy mode is not COPY_PACKET?)", bodyOffset, out error, out errorOffset);
        }

        packet.TimestampNs = timestampNs;
        packet.Tag = tag;
        packet.Direction = hasInDev ? PacketDirection.Inbound : hasOutDev ? PacketDirection.Outbound : PacketDirection.Unknown;
        if (!IpPacketDecoder.TryDecode(payload, ref packet, out error))
        {
            errorOffset = payloadOffset;
            return NflogRecordKind.Error;
        }

        errorOffset = -1;
        return NflogRecordKind.Packet;
    }

    private static NflogRecordKind Fail(string message, int offset, out string? error, out int errorOffset)
    {
        error = message;
        errorOffset = offset;
        return NflogRecordKind.Error;
    }
}
