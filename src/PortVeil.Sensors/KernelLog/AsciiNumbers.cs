using PortVeil.Core;

namespace PortVeil.Sensors.KernelLog;

/// <summary>Allocation-free parsing of the ASCII numbers and addresses in kernel log lines.</summary>
internal static class AsciiNumbers
{
    /// <summary>Decimal digits only, no sign, at most <paramref name="max"/>.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, ulong max, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 20)
        {
            return false;
        }

        foreach (var c in text)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            if (value > (max - d) / 10)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }

    public static bool TryParseUInt16(ReadOnlySpan<byte> text, out ushort value)
    {
        var ok = TryParseDecimal(text, ushort.MaxValue, out var v);
        value = (ushort)v;
        return ok;
    }

    public static bool TryParseByte(ReadOnlySpan<byte> text, out byte value)
    {
        var ok = TryParseDecimal(text, byte.MaxValue, out var v);
        value = (byte)v;
        return ok;
    }

    public static bool TryParseUInt32(ReadOnlySpan<byte> text, out uint value)
    {
        var ok = TryParseDecimal(text, uint.MaxValue, out var v);
        value = (uint)v;
        return ok;
    }

    public static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>"0x" followed by hex digits (the kernel's TOS=0x00, FLOWLBL is decimal).</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        if (text.Length > 2 && text[0] == '0' && (text[1] | 0x20) == 'x')
        {
            text = text[2..];
        }

        if (text.IsEmpty || text.Length > 8)
        {
            return false;
        }

        foreach (var c in text)
        {
            var h = HexValue(c);
            if (h < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)h;
        }

        return true;
    }

    /// <summary>Dotted-quad IPv4 or RFC 4291 text IPv6 (with "::" and an optional trailing dotted quad).</summary>
    public static bool TryParseAddress(ReadOnlySpan<byte> text, out NetAddress address)
    {
        if (text.IndexOf((byte)':') < 0)
        {
            var ok = TryParseIPv4(text, out var v4);
            address = ok ? NetAddress.FromV4(v4) : default;
            return ok;
        }

        return TryParseIPv6(text, out address);
    }

    public static bool TryParseIPv4(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        var parts = 0;
        while (true)
        {
            var dot = text.IndexOf((byte)'.');
            var part = dot < 0 ? text : text[..dot];
            // No leading zeros: inet_pton rejects them, and "010" reads as 8 to some parsers and 10 to others.
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || !TryParseDecimal(part, 255, out var octet))
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
            parts++;
            if (dot < 0)
            {
                return parts == 4;
            }

            if (parts == 4)
            {
                return false;
            }

            text = text[(dot + 1)..];
        }
    }

    public static bool TryParseIPv6(ReadOnlySpan<byte> text, out NetAddress address)
    {
        address = default;
        if (text.Length is < 2 or > 45)
        {
            return false;
        }

        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1;
        var i = 0;
        if (text[0] == ':')
        {
            if (text[1] != ':')
            {
                return false;
            }

            gap = 0;
            i = 2;
            if (text.Length == 2)
            {
                address = new NetAddress(0, 0);
                return true;
            }
        }

        while (i < text.Length)
        {
            if (count == 8)
            {
                return false;
            }

            // A trailing dotted quad fills two groups.
            var rest = text[i..];
            var colon = rest.IndexOf((byte)':');
            var field = colon < 0 ? rest : rest[..colon];
            if (colon < 0 && field.IndexOf((byte)'.') >= 0)
            {
                if (count > 6 || !TryParseIPv4(field, out var v4))
                {
                    return false;
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                break;
            }

            if (field.Length is 0 or > 4)
            {
                return false;
            }

            uint g = 0;
            foreach (var c in field)
            {
                var h = HexValue(c);
                if (h < 0)
                {
                    return false;
                }

                g = (g << 4) | (uint)h;
            }

            groups[count++] = (ushort)g;
            if (colon < 0)
            {
                break;
            }

            i += colon + 1;
            if (i < text.Length && text[i] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                i++;
            }
            else if (i == text.Length)
            {
                return false; // trailing single colon
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        Span<ushort> full = stackalloc ushort[8];
        full.Clear();
        if (gap < 0)
        {
            groups.CopyTo(full);
        }
        else
        {
            groups[..gap].CopyTo(full);
            groups[gap..count].CopyTo(full[(8 - (count - gap))..]);
        }

        ulong high = 0, low = 0;
        for (var k = 0; k < 4; k++)
        {
            high = (high << 16) | full[k];
            low = (low << 16) | full[k + 4];
        }

        address = new NetAddress(high, low);
        return true;
    }
}
