using System.Buffers.Binary;

namespace PortVeil.Effectiveness.Running;

/// <summary>
/// A minimal NTP server (RFC 5905) for the lab server: a client packet (mode 3, 48 bytes or more, as nmap's
/// port-123 probe is) gets a stratum-2 server reply (mode 4) with the client's transmit time as origin and the
/// lab's clock as receive and transmit time. Anything else gets no answer.
/// </summary>
internal static class LabNtp
{
    private const int PacketLength = 48;
    private const int ModeClient = 3;
    private const int ModeServer = 4;

    // Seconds from the NTP era (1900-01-01) to the Unix epoch.
    private const long EraOffset = 2_208_988_800;

    public static byte[]? Answer(byte[] request)
    {
        if (request.Length < PacketLength || (request[0] & 0x07) != ModeClient)
        {
            return null;
        }

        var version = (request[0] >> 3) & 0x07;
        var reply = new byte[PacketLength];
        reply[0] = (byte)((version << 3) | ModeServer); // LI 0
        reply[1] = 2;                                   // stratum 2
        reply[2] = request[2];                          // poll copied
        reply[3] = 0xEC;                                // precision 2^-20 s
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(4), 0x0000_0100);  // root delay 1/256 s
        BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(8), 0x0000_0100);  // root dispersion
        reply[12] = 192;
        reply[13] = 0;
        reply[14] = 2;
        reply[15] = 123;                                // 192.0.2.123 as the (documentation) upstream
        var now = Timestamp(DateTimeOffset.UtcNow);
        BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(16), now);    // reference
        request.AsSpan(40, 8).CopyTo(reply.AsSpan(24));                   // origin = client's transmit
        BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(32), now);    // receive
        BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(40), now);    // transmit
        return reply;
    }

    private static ulong Timestamp(DateTimeOffset at)
    {
        var ticks = at.ToUnixTimeMilliseconds();
        var seconds = (ulong)(ticks / 1000 + EraOffset);
        var fraction = (ulong)(ticks % 1000) * (1UL << 32) / 1000;
        return (seconds << 32) | fraction;
    }
}
