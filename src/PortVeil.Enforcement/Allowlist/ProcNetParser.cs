using System.Buffers.Binary;
using System.Globalization;
using PortVeil.Core;

namespace PortVeil.Enforcement.Allowlist;

/// <summary>What a line of a kernel or configuration text file turned out to be.</summary>
internal enum LineKind : byte
{
    /// <summary>A header, comment, or a valid line that is not what we look for.</summary>
    Skipped = 0,

    Parsed,

    Malformed,
}

/// <summary>
/// Span parsers for the procfs and resolv.conf lines discovery reads. Each takes one line without its newline.
/// </summary>
internal static class ProcNetParser
{
    // include/uapi/linux/route.h: RTF_UP 0x1, RTF_GATEWAY 0x2.
    private const uint RtfUp = 0x1;
    private const uint RtfGateway = 0x2;

    // include/net/tcp_states.h: TCP_ESTABLISHED = 1.
    public const byte TcpEstablished = 1;

    /// <summary>
    /// /proc/net/route: <c>Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT</c>, tab separated,
    /// addresses as the native-endian hex of the network-order word (0100A8C0 is 192.168.0.1 on x86).
    /// Parsed when the line is an up default route (destination and mask 0) through a gateway.
    /// </summary>
    public static LineKind ParseRoute(ReadOnlySpan<char> line, out ReadOnlySpan<char> device, out NetAddress gateway)
    {
        gateway = default;
        device = NextField(ref line);
        if (device.IsEmpty || device.SequenceEqual("Iface"))
        {
            return LineKind.Skipped;
        }

        var destination = NextField(ref line);
        var gw = NextField(ref line);
        var flags = NextField(ref line);
        _ = NextField(ref line); // RefCnt
        _ = NextField(ref line); // Use
        _ = NextField(ref line); // Metric
        var mask = NextField(ref line);
        if (!TryHex32(destination, out var dst) || !TryHex32(gw, out var g) || !TryHex32(flags, out var f) || !TryHex32(mask, out var m))
        {
            return LineKind.Malformed;
        }

        if (dst != 0 || m != 0 || (f & (RtfUp | RtfGateway)) != (RtfUp | RtfGateway) || g == 0)
        {
            return LineKind.Skipped;
        }

        gateway = NetAddress.FromV4(NativeWordToHostOrder(g));
        return LineKind.Parsed;
    }

    /// <summary>
    /// /proc/net/ipv6_route: <c>dst dst_len src src_len next_hop metric refcnt use flags device</c>, addresses as 32 hex
    /// digits in network order. Parsed when the line is an up default route (::/0) through a gateway.
    /// </summary>
    public static LineKind ParseIPv6Route(ReadOnlySpan<char> line, out ReadOnlySpan<char> device, out NetAddress gateway)
    {
        gateway = default;
        device = default;
        var dst = NextField(ref line);
        if (dst.IsEmpty)
        {
            return LineKind.Skipped;
        }

        var dstLen = NextField(ref line);
        _ = NextField(ref line); // src
        _ = NextField(ref line); // src_len
        var nextHop = NextField(ref line);
        _ = NextField(ref line); // metric
        _ = NextField(ref line); // refcnt
        _ = NextField(ref line); // use
        var flags = NextField(ref line);
        device = NextField(ref line);
        if (!TryHex128(dst, out var d) || !TryHex32(dstLen, out var len) || !TryHex128(nextHop, out var hop) || !TryHex32(flags, out var f) || device.IsEmpty)
        {
            return LineKind.Malformed;
        }

        if (d != default || len != 0 || (f & (RtfUp | RtfGateway)) != (RtfUp | RtfGateway) || hop == default)
        {
            return LineKind.Skipped;
        }

        gateway = hop;
        return LineKind.Parsed;
    }

    /// <summary>
    /// /proc/net/tcp and tcp6: <c>sl local_address rem_address st …</c> with addresses as native-endian hex words
    /// (one for IPv4, four for IPv6) and ports as big-endian hex. Parsed for every socket line.
    /// </summary>
    public static LineKind ParseTcp(ReadOnlySpan<char> line, out NetAddress local, out ushort localPort, out NetAddress remote, out ushort remotePort, out byte state)
    {
        local = remote = default;
        localPort = remotePort = 0;
        state = 0;
        var slot = NextField(ref line);
        if (slot.IsEmpty || slot.SequenceEqual("sl"))
        {
            return LineKind.Skipped;
        }

        var l = NextField(ref line);
        var r = NextField(ref line);
        var st = NextField(ref line);
        if (!TryEndpoint(l, out local, out localPort) || !TryEndpoint(r, out remote, out remotePort) || !TryHex32(st, out var s) || s > byte.MaxValue)
        {
            return LineKind.Malformed;
        }

        state = (byte)s;
        return LineKind.Parsed;
    }

    /// <summary>
    /// resolv.conf: <c>nameserver ADDRESS</c> lines; '#' and ';' start comments; other keywords are skipped. An IPv6
    /// link-local resolver may carry a zone (<c>fe80::1%eth0</c>), which is dropped.
    /// </summary>
    public static LineKind ParseResolvConf(ReadOnlySpan<char> line, out NetAddress resolver)
    {
        resolver = default;
        var comment = line.IndexOfAny('#', ';');
        if (comment >= 0)
        {
            line = line[..comment];
        }

        var keyword = NextField(ref line);
        if (!keyword.SequenceEqual("nameserver"))
        {
            return LineKind.Skipped;
        }

        var value = NextField(ref line);
        var zone = value.IndexOf('%');
        if (zone >= 0)
        {
            value = value[..zone];
        }

        return !value.IsEmpty && NextField(ref line).IsEmpty && NetAddress.TryParse(value, out resolver) ? LineKind.Parsed : LineKind.Malformed;
    }

    /// <summary>SSH_CONNECTION ("client port server port") or SSH_CLIENT ("client port port"): the client address.</summary>
    public static bool TryParseSshVariable(ReadOnlySpan<char> value, out NetAddress client)
    {
        client = default;
        var first = NextField(ref value);
        var zone = first.IndexOf('%');
        if (zone >= 0)
        {
            first = first[..zone];
        }

        return !first.IsEmpty && NetAddress.TryParse(first, out client);
    }

    /// <summary>The next field separated by spaces or tabs; empty at the end of the line.</summary>
    public static ReadOnlySpan<char> NextField(scoped ref ReadOnlySpan<char> line)
    {
        var start = line.IndexOfAnyExcept(' ', '\t');
        if (start < 0)
        {
            line = default;
            return default;
        }

        line = line[start..];
        var end = line.IndexOfAny(' ', '\t');
        if (end < 0)
        {
            var all = line;
            line = default;
            return all;
        }

        var field = line[..end];
        line = line[end..];
        return field;
    }

    private static bool TryEndpoint(ReadOnlySpan<char> text, out NetAddress address, out ushort port)
    {
        address = default;
        port = 0;
        var colon = text.IndexOf(':');
        if (colon < 0 || !TryHex32(text[(colon + 1)..], out var p) || p > ushort.MaxValue)
        {
            return false;
        }

        port = (ushort)p;
        var hex = text[..colon];
        if (hex.Length == 8)
        {
            if (!TryHex32(hex, out var word))
            {
                return false;
            }

            address = NetAddress.FromV4(NativeWordToHostOrder(word));
            return true;
        }

        if (hex.Length != 32)
        {
            return false;
        }

        // Four native-endian words; each word holds four bytes of the address in network order.
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < 4; i++)
        {
            if (!TryHex32(hex.Slice(i * 8, 8), out var word))
            {
                return false;
            }

            BinaryPrimitives.WriteUInt32BigEndian(bytes[(i * 4)..], NativeWordToHostOrder(word));
        }

        address = NetAddress.FromBytes(bytes);
        return true;
    }

    /// <summary>The kernel prints a network-order word as a native integer; on little-endian hosts its bytes come out reversed.</summary>
    private static uint NativeWordToHostOrder(uint printed) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(printed) : printed;

    private static bool TryHex32(ReadOnlySpan<char> text, out uint value) =>
        uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && !text.IsEmpty;

    private static bool TryHex128(ReadOnlySpan<char> text, out NetAddress value)
    {
        value = default;
        if (text.Length != 32
            || !ulong.TryParse(text[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !ulong.TryParse(text[16..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        value = new NetAddress(high, low);
        return true;
    }
}
