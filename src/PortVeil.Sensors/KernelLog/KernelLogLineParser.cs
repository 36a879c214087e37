using System.Text;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;

namespace PortVeil.Sensors.KernelLog;

/// <summary>
/// Parses one kernel firewall LOG line (iptables LOG / nftables log, the format psad reads) into a
/// <see cref="PacketEvent"/>, from bytes, without allocating.
/// </summary>
/// <remarks>
/// <para>Line shapes (anything may precede IN=, e.g. "[UFW BLOCK] ", "FW-IN ", "DROP "):</para>
/// <code>
/// Nov 25 16:32:36 srv kernel: [  283.900611] PREFIX IN=eth0 OUT= MAC=… SRC=… DST=… LEN=44 TOS=0x00 PREC=0x00
///     TTL=45 ID=1 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4)
/// 2026-11-25T16:32:36.123456+00:00 host kernel: PREFIX IN=… (journalctl -o short-iso[-precise], rsyslog RFC 3339)
/// Nov 25 16:32:36.123456 host kernel: …                      (journalctl -o short-precise)
/// &lt;4&gt;Nov 25 16:32:36 host kernel: …, &lt;4&gt;1 2026-11-25T16:32:36Z host kernel - - - …   (syslog over the network)
/// [  283.900611] PREFIX IN=…   or   PREFIX IN=…                (dmesg, bare)
/// IPv6: SRC=2001:db8::5 DST=… LEN= TC= HOPLIMIT= FLOWLBL= PROTO=TCP|UDP|UDPLITE|ICMPv6|SCTP|number …
/// ICMP: PROTO=ICMP TYPE=3 CODE=3 [SRC=… DST=… … PROTO=UDP SPT=… DPT=… LEN=…]   (the quoted packet)
/// </code>
/// <para>Result: true with a packet; false with <c>error == null</c> for a line that is not a packet line (no
/// IN= token: other kernel or daemon messages); false with an error for a packet line that is cut short or holds
/// a bad value. TCP lines must reach URGP= and UDP/SCTP lines DPT= (unless the kernel said INCOMPLETE or the packet
/// is a later fragment): a line cut by a log pipeline is an error, not a NULL-flag scan.</para>
/// <para>One instance per input: it carries the clock state (year, uptime anchor) from line to line.</para>
/// </remarks>
public sealed class KernelLogLineParser
{
    // A TCP option block is at most 40 bytes (data offset 15 × 4 − 20).
    private const int MaxTcpOptionBytes = 40;

    // Longer char lines than this are not transcoded on the stack; a kernel LOG line is ~300 characters.
    private const int MaxCharLineLength = 4096;

    private readonly KernelLogClock _clock;
    private readonly TimeZoneInfo _zone;

    /// <param name="options">Year, zone and boot time; defaults when null.</param>
    /// <param name="referenceTime">Local time that dates year-less syslog lines, normally the file's modification time; now when null.</param>
    public KernelLogLineParser(KernelLogOptions? options = null, DateTime? referenceTime = null)
    {
        options ??= new KernelLogOptions();
        _zone = options.TimeZone ?? TimeZoneInfo.Local;
        var reference = referenceTime ?? TimeZoneInfo.ConvertTime(DateTime.UtcNow, _zone);
        _clock = new KernelLogClock(options.Year, reference, _zone, options.BootTimeNs);
    }

    /// <summary>Parses a line of ASCII text (UTF-8 bytes), without its line terminator.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, ref PacketEvent packet, out string? error)
    {
        error = null;
        var inAt = FindInToken(line);
        if (inAt < 0)
        {
            return false;
        }

        if (!TryReadTime(line[..inAt], out var timestampNs, out error))
        {
            return false;
        }

        packet = default;
        packet.Options = TcpOptionSummary.Empty;
        packet.TimestampNs = timestampNs;
        return TryParseFields(line[inAt..], ref packet, out error);
    }

    /// <summary>Parses a line of text; non-ASCII characters can only appear in parts that are ignored.</summary>
    public bool TryParse(ReadOnlySpan<char> line, ref PacketEvent packet, out string? error)
    {
        if (line.Length > MaxCharLineLength)
        {
            packet = default;
            error = "line longer than 4096 characters";
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxCharLineLength * 3];
        var n = Encoding.UTF8.GetBytes(line, bytes);
        return TryParse(bytes[..n], ref packet, out error);
    }

    /// <summary>Index of the first "IN=" that starts a token, -1 when the line has none.</summary>
    internal static int FindInToken(ReadOnlySpan<byte> line)
    {
        var from = 0;
        while (true)
        {
            var i = line[from..].IndexOf("IN="u8);
            if (i < 0)
            {
                return -1;
            }

            i += from;
            if (i == 0 || line[i - 1] == ' ')
            {
                return i;
            }

            from = i + 3;
        }
    }

    private bool TryReadTime(ReadOnlySpan<byte> head, out long ns, out string? error)
    {
        error = null;
        var uptimeNs = FindUptime(head);
        head = SkipPriority(head);
        if (head.Length >= 19 && IsDigit(head[0]) && head[4] == '-')
        {
            if (!TryParseIso(head, out var utcNs, out var hasFraction))
            {
                ns = 0;
                error = "ISO 8601 timestamp is malformed";
                return false;
            }

            ns = _clock.FromIso(utcNs, hasFraction, uptimeNs);
            return true;
        }

        var month = head.Length >= 15 && head[3] == ' ' ? MonthOf(head) : 0;
        if (month > 0)
        {
            if (!TryParseSyslog(head, month, uptimeNs, out ns))
            {
                error = "syslog timestamp is malformed";
                return false;
            }

            return true;
        }

        ns = _clock.FromUptime(uptimeNs);
        return true;
    }

    // Syslog sent over the network keeps its "<4>" priority (RFC 3164) and RFC 5424 adds a version: "<4>1 ".
    private static ReadOnlySpan<byte> SkipPriority(ReadOnlySpan<byte> head)
    {
        if (head.Length < 3 || head[0] != '<')
        {
            return head;
        }

        var close = head[..Math.Min(head.Length, 5)].IndexOf((byte)'>');
        if (close < 2 || !AsciiNumbers.TryParseDecimal(head[1..close], 191, out _))
        {
            return head;
        }

        head = head[(close + 1)..];
        return head.StartsWith("1 "u8) ? head[2..] : head;
    }

    // "[  283.900611]": the kernel's seconds since boot, anywhere before IN= (a "[UFW BLOCK]" prefix is skipped).
    private static long FindUptime(ReadOnlySpan<byte> head)
    {
        var from = 0;
        while (from < head.Length)
        {
            var open = head[from..].IndexOf((byte)'[');
            if (open < 0)
            {
                return -1;
            }

            open += from;
            var close = head[open..].IndexOf((byte)']');
            if (close < 0)
            {
                return -1;
            }

            var inner = head.Slice(open + 1, close - 1).TrimStart((byte)' ');
            if (TryParseSecondsNs(inner, out var value))
            {
                return value;
            }

            from = open + 1;
        }

        return -1;
    }

    // "283.900611" → nanoseconds; also "107.3". The kernel always prints the dot, which tells the uptime from a
    // process id such as "ulogd[1234]".
    private static bool TryParseSecondsNs(ReadOnlySpan<byte> text, out long ns)
    {
        ns = 0;
        var dot = text.IndexOf((byte)'.');
        if (dot < 1 || !AsciiNumbers.TryParseDecimal(text[..dot], 9_000_000_000, out var seconds))
        {
            return false;
        }

        if (!TryParseFractionNs(text[(dot + 1)..], out var fraction))
        {
            return false;
        }

        ns = ((long)seconds * 1_000_000_000L) + fraction;
        return true;
    }

    private static bool TryParseFractionNs(ReadOnlySpan<byte> digits, out long ns)
    {
        ns = 0;
        if (digits.IsEmpty || digits.Length > 9)
        {
            return false;
        }

        long scale = 100_000_000;
        foreach (var c in digits)
        {
            var d = (uint)(c - '0');
            if (d > 9)
            {
                return false;
            }

            ns += d * scale;
            scale /= 10;
        }

        return true;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static int Two(ReadOnlySpan<byte> s, int at) =>
        IsDigit(s[at]) && IsDigit(s[at + 1]) ? ((s[at] - '0') * 10) + (s[at + 1] - '0') : -1;

    private static int MonthOf(ReadOnlySpan<byte> head)
    {
        var m = head[..3];
        ReadOnlySpan<byte> names = "JanFebMarAprMayJunJulAugSepOctNovDec"u8;
        for (var i = 0; i < 12; i++)
        {
            if (m.SequenceEqual(names.Slice(i * 3, 3)))
            {
                return i + 1;
            }
        }

        return 0;
    }

    // "Nov 25 16:32:36" or "Nov  5 16:32:36", optionally ".123456".
    private bool TryParseSyslog(ReadOnlySpan<byte> head, int month, long uptimeNs, out long ns)
    {
        ns = 0;
        var day = head[4] == ' ' ? (IsDigit(head[5]) ? head[5] - '0' : -1) : Two(head, 4);
        if (day < 1 || head[6] != ' ' || head[9] != ':' || head[12] != ':')
        {
            return false;
        }

        var hour = Two(head, 7);
        var minute = Two(head, 10);
        var second = head.Length > 14 ? Two(head, 13) : -1;
        if (hour < 0 || minute < 0 || second < 0)
        {
            return false;
        }

        long fraction = 0;
        var hasFraction = false;
        if (head.Length > 15 && head[15] == '.')
        {
            var end = head[16..].IndexOf((byte)' ');
            var digits = end < 0 ? head[16..] : head.Slice(16, end);
            if (!TryParseFractionNs(digits, out fraction))
            {
                return false;
            }

            hasFraction = true;
        }
        else if (head.Length > 15 && head[15] != ' ')
        {
            return false;
        }

        return _clock.TryFromSyslog(month, day, hour, minute, second, fraction, hasFraction, uptimeNs, out ns);
    }

    // "2026-11-25T16:32:36[.123456][Z|+00:00|+0000]", 'T' or ' ' between date and time.
    private bool TryParseIso(ReadOnlySpan<byte> head, out long utcNs, out bool hasFraction)
    {
        utcNs = 0;
        hasFraction = false;
        var year = Two(head, 0) * 100 + Two(head, 2);
        var month = Two(head, 5);
        var day = Two(head, 8);
        if (Two(head, 0) < 0 || Two(head, 2) < 0 || head[7] != '-' || (head[10] != 'T' && head[10] != ' ') || head[13] != ':' || head[16] != ':')
        {
            return false;
        }

        var hour = Two(head, 11);
        var minute = Two(head, 14);
        var second = Two(head, 17);
        if (year < 1970 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60)
        {
            return false;
        }

        var rest = head[19..];
        long fraction = 0;
        if (!rest.IsEmpty && rest[0] == '.')
        {
            var n = 1;
            while (n < rest.Length && IsDigit(rest[n]))
            {
                n++;
            }

            if (!TryParseFractionNs(rest[1..n], out fraction))
            {
                return false;
            }

            hasFraction = true;
            rest = rest[n..];
        }

        long offsetSeconds;
        var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        if (!rest.IsEmpty && rest[0] == 'Z')
        {
            offsetSeconds = 0;
        }
        else if (!rest.IsEmpty && (rest[0] == '+' || rest[0] == '-'))
        {
            var oh = rest.Length >= 3 ? Two(rest, 1) : -1;
            var mAt = rest.Length >= 6 && rest[3] == ':' ? 4 : 3;
            var om = rest.Length >= mAt + 2 ? Two(rest, mAt) : -1;
            if (oh < 0 || om < 0)
            {
                return false;
            }

            offsetSeconds = ((oh * 3600) + (om * 60)) * (rest[0] == '-' ? -1 : 1);
        }
        else if (rest.IsEmpty || rest[0] == ' ')
        {
            offsetSeconds = (long)_zone.GetUtcOffset(local).TotalSeconds;
        }
        else
        {
            return false;
        }

        var localNs = (local - DateTime.UnixEpoch).Ticks * 100;
        utcNs = localNs + (second * 1_000_000_000L) + fraction - (offsetSeconds * 1_000_000_000L);
        return true;
    }

    private static bool TryParseFields(ReadOnlySpan<byte> rest, ref PacketEvent packet, out string? error)
    {
        error = null;
        var afterProto = false;
        var quoteDepth = 0;
        var pendingOpt = false;
        bool haveSrc = false, haveDst = false, haveProto = false, haveDpt = false, haveUrgp = false, haveType = false;
        bool incomplete = false, laterFragment = false;
        var inNonEmpty = false;
        var outNonEmpty = false;
        TcpFlags flags = 0;

        while (!rest.IsEmpty)
        {
            var space = rest.IndexOf((byte)' ');
            var token = space < 0 ? rest : rest[..space];
            rest = space < 0 ? default : rest[(space + 1)..];
            if (token.IsEmpty)
            {
                continue;
            }

            if (pendingOpt)
            {
                pendingOpt = false;
                if (token[0] == '(')
                {
                    // IP options before PROTO= are not needed; TCP options after it are.
                    if (afterProto && packet.Protocol == IpProtocol.Tcp && quoteDepth == 0 && !TryParseTcpOptions(token, ref packet))
                    {
                        error = "OPT is not hex TCP options of at most 40 bytes";
                        return false;
                    }

                    continue;
                }
            }

            // The packet an ICMP error quotes, "[SRC=… PROTO=UDP SPT=… DPT=…]", and "INCOMPLETE [n bytes]".
            if (token[0] == '[' || quoteDepth > 0)
            {
                while (!token.IsEmpty && token[0] == '[')
                {
                    quoteDepth++;
                    token = token[1..];
                }

                var closing = 0;
                while (!token.IsEmpty && token[^1] == ']')
                {
                    closing++;
                    token = token[..^1];
                }

                if (!TryQuotedToken(token, ref packet, out error))
                {
                    return false;
                }

                quoteDepth = Math.Max(0, quoteDepth - closing);
                continue;
            }

            var eq = token.IndexOf((byte)'=');
            if (eq < 0)
            {
                if (afterProto && packet.Protocol == IpProtocol.Tcp && TcpFlagOf(token) is var f and not TcpFlags.None)
                {
                    flags |= f;
                }
                else if (token.SequenceEqual("OPT"u8))
                {
                    pendingOpt = true;
                }
                else if (token.SequenceEqual("INCOMPLETE"u8))
                {
                    incomplete = true;
                }
                else if (token.StartsWith("FRAG:"u8))
                {
                    // IPv4 prints FRAG:offset only for non-zero offsets; IPv6 prints FRAG:offset for every fragment.
                    laterFragment |= !token[5..].SequenceEqual("0"u8);
                }
                else if (token.StartsWith("ID:"u8) && AsciiNumbers.TryParseHex(token[3..], out var fragmentId))
                {
                    packet.IpId = fragmentId;
                }

                continue;
            }

            var key = token[..eq];
            var value = token[(eq + 1)..];
            if (!afterProto)
            {
                switch (key.Length)
                {
                    case 2 when key.SequenceEqual("IN"u8):
                        inNonEmpty = !value.IsEmpty;
                        break;
                    case 3 when key.SequenceEqual("OUT"u8):
                        outNonEmpty = !value.IsEmpty;
                        break;
                    case 3 when key.SequenceEqual("SRC"u8):
                        if (!AsciiNumbers.TryParseAddress(value, out var src))
                        {
                            error = "SRC is not an IPv4 or IPv6 address";
                            return false;
                        }

                        packet.Source = src;
                        haveSrc = true;
                        break;
                    case 3 when key.SequenceEqual("DST"u8):
                        if (!AsciiNumbers.TryParseAddress(value, out var dst))
                        {
                            error = "DST is not an IPv4 or IPv6 address";
                            return false;
                        }

                        packet.Destination = dst;
                        haveDst = true;
                        break;
                    case 3 when key.SequenceEqual("LEN"u8):
                        if (!AsciiNumbers.TryParseUInt16(value, out var length))
                        {
                            error = "LEN is not a number from 0 to 65535";
                            return false;
                        }

                        packet.Length = length;
                        break;
                    case 3 when key.SequenceEqual("TTL"u8):
                    case 8 when key.SequenceEqual("HOPLIMIT"u8):
                        if (!AsciiNumbers.TryParseByte(value, out var ttl))
                        {
                            error = "TTL or HOPLIMIT is not a number from 0 to 255";
                            return false;
                        }

                        packet.Ttl = ttl;
                        break;
                    case 2 when key.SequenceEqual("ID"u8):
                        if (!AsciiNumbers.TryParseUInt16(value, out var id))
                        {
                            error = "ID is not a number from 0 to 65535";
                            return false;
                        }

                        packet.IpId = id;
                        break;
                    case 5 when key.SequenceEqual("PROTO"u8):
                        if (!TryParseProtocol(value, out var protocol))
                        {
                            error = "PROTO is neither a protocol name nor a number from 0 to 255";
                            return false;
                        }

                        packet.Protocol = protocol;
                        haveProto = true;
                        afterProto = true;
                        break;
                    default:
                        break; // MAC, TOS, PREC, TC, FLOWLBL, PHYSIN, PHYSOUT, MARK, UID, GID, …
                }

                continue;
            }

            switch (key.Length)
            {
                case 3 when key.SequenceEqual("SPT"u8):
                    if (!AsciiNumbers.TryParseUInt16(value, out var spt))
                    {
                        error = "SPT is not a port number from 0 to 65535";
                        return false;
                    }

                    packet.SourcePort = spt;
                    break;
                case 3 when key.SequenceEqual("DPT"u8):
                    if (!AsciiNumbers.TryParseUInt16(value, out var dpt))
                    {
                        error = "DPT is not a port number from 0 to 65535";
                        return false;
                    }

                    packet.DestinationPort = dpt;
                    haveDpt = true;
                    break;
                case 6 when key.SequenceEqual("WINDOW"u8):
                    if (!AsciiNumbers.TryParseUInt16(value, out var window))
                    {
                        error = "WINDOW is not a number from 0 to 65535";
                        return false;
                    }

                    packet.Window = window;
                    break;
                case 3 when key.SequenceEqual("SEQ"u8) && packet.Protocol == IpProtocol.Tcp:
                    if (!AsciiNumbers.TryParseUInt32(value, out var seq))
                    {
                        error = "SEQ is not a 32-bit number";
                        return false;
                    }

                    packet.Sequence = seq;
                    break;
                case 3 when key.SequenceEqual("ACK"u8) && packet.Protocol == IpProtocol.Tcp:
                    if (!AsciiNumbers.TryParseUInt32(value, out var ack))
                    {
                        error = "ACK is not a 32-bit number";
                        return false;
                    }

                    packet.Acknowledgment = ack;
                    break;
                case 4 when key.SequenceEqual("URGP"u8):
                    haveUrgp = true;
                    break;
                case 4 when key.SequenceEqual("TYPE"u8):
                    if (!AsciiNumbers.TryParseByte(value, out var type))
                    {
                        error = "TYPE is not a number from 0 to 255";
                        return false;
                    }

                    packet.IcmpType = type;
                    haveType = true;
                    break;
                case 4 when key.SequenceEqual("CODE"u8):
                    if (!AsciiNumbers.TryParseByte(value, out var code))
                    {
                        error = "CODE is not a number from 0 to 255";
                        return false;
                    }

                    packet.IcmpCode = code;
                    break;
                default:
                    break; // RES, LEN (UDP), ICMP ID/SEQ/MTU/GATEWAY/PARAMETER, UID, GID, MARK, …
            }
        }

        packet.Flags = flags;
        if (!haveSrc)
        {
            error = "packet line without SRC= (cut short?)";
            return false;
        }

        if (!haveDst)
        {
            error = "packet line without DST= (cut short?)";
            return false;
        }

        if (!haveProto)
        {
            error = "line ends before PROTO= (cut short?)";
            return false;
        }

        if (!incomplete && !laterFragment)
        {
            switch (packet.Protocol)
            {
                case IpProtocol.Tcp when !haveUrgp:
                    error = haveDpt ? "TCP line ends before URGP= (cut short?)" : "TCP line ends before DPT= (cut short?)";
                    return false;
                case IpProtocol.Udp or IpProtocol.UdpLite or IpProtocol.Sctp when !haveDpt:
                    error = "line ends before DPT= (cut short?)";
                    return false;
                case IpProtocol.Icmp or IpProtocol.IcmpV6 when !haveType:
                    error = "ICMP line ends before TYPE= (cut short?)";
                    return false;
                default:
                    break;
            }
        }

        packet.Family = packet.Source.Family;
        packet.Direction = (inNonEmpty, outNonEmpty) switch
        {
            (true, false) => PacketDirection.Inbound,
            (false, true) => PacketDirection.Outbound,
            _ => PacketDirection.Unknown,
        };
        return true;
    }

    private static bool TryQuotedToken(ReadOnlySpan<byte> token, ref PacketEvent packet, out string? error)
    {
        error = null;
        var eq = token.IndexOf((byte)'=');
        if (eq < 0)
        {
            return true;
        }

        var key = token[..eq];
        var value = token[(eq + 1)..];
        if (key.SequenceEqual("PROTO"u8))
        {
            if (!TryParseProtocol(value, out var protocol))
            {
                error = "quoted PROTO is neither a protocol name nor a number from 0 to 255";
                return false;
            }

            // Only the first (outermost) quoted packet counts.
            if (packet.QuotedProtocol == 0)
            {
                packet.QuotedProtocol = protocol;
            }
        }
        else if (key.SequenceEqual("SPT"u8) || key.SequenceEqual("DPT"u8))
        {
            if (!AsciiNumbers.TryParseUInt16(value, out var port))
            {
                error = "quoted SPT or DPT is not a port number from 0 to 65535";
                return false;
            }

            if (key[0] == 'S' && packet.QuotedSourcePort == 0)
            {
                packet.QuotedSourcePort = port;
            }
            else if (key[0] == 'D' && packet.QuotedDestinationPort == 0)
            {
                packet.QuotedDestinationPort = port;
            }
        }

        return true;
    }

    private static bool TryParseTcpOptions(ReadOnlySpan<byte> token, ref PacketEvent packet)
    {
        var hex = token[1..];
        if (!hex.IsEmpty && hex[^1] == ')')
        {
            hex = hex[..^1];
        }

        if ((hex.Length & 1) != 0 || hex.Length > MaxTcpOptionBytes * 2)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxTcpOptionBytes];
        var n = hex.Length / 2;
        for (var i = 0; i < n; i++)
        {
            var hi = AsciiNumbers.HexValue(hex[2 * i]);
            var lo = AsciiNumbers.HexValue(hex[(2 * i) + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }

            bytes[i] = (byte)((hi << 4) | lo);
        }

        packet.Options = TcpOptionWalker.Walk(bytes[..n]);
        return true;
    }

    private static TcpFlags TcpFlagOf(ReadOnlySpan<byte> word)
    {
        if (word.Length != 3)
        {
            return TcpFlags.None;
        }

        return word[0] switch
        {
            (byte)'S' when word.SequenceEqual("SYN"u8) => TcpFlags.Syn,
            (byte)'A' when word.SequenceEqual("ACK"u8) => TcpFlags.Ack,
            (byte)'F' when word.SequenceEqual("FIN"u8) => TcpFlags.Fin,
            (byte)'R' when word.SequenceEqual("RST"u8) => TcpFlags.Rst,
            (byte)'P' when word.SequenceEqual("PSH"u8) => TcpFlags.Psh,
            (byte)'U' when word.SequenceEqual("URG"u8) => TcpFlags.Urg,
            (byte)'E' when word.SequenceEqual("ECE"u8) => TcpFlags.Ece,
            (byte)'C' when word.SequenceEqual("CWR"u8) => TcpFlags.Cwr,
            _ => TcpFlags.None,
        };
    }

    private static bool TryParseProtocol(ReadOnlySpan<byte> value, out IpProtocol protocol)
    {
        if (AsciiNumbers.TryParseByte(value, out var number))
        {
            protocol = (IpProtocol)number;
            return true;
        }

        if (value.SequenceEqual("TCP"u8))
        {
            protocol = IpProtocol.Tcp;
        }
        else if (value.SequenceEqual("UDP"u8))
        {
            protocol = IpProtocol.Udp;
        }
        else if (value.SequenceEqual("ICMP"u8))
        {
            protocol = IpProtocol.Icmp;
        }
        else if (Ascii.EqualsIgnoreCase(value, "ICMPv6"u8))
        {
            protocol = IpProtocol.IcmpV6;
        }
        else if (value.SequenceEqual("SCTP"u8))
        {
            protocol = IpProtocol.Sctp;
        }
        else if (value.SequenceEqual("UDPLITE"u8))
        {
            protocol = IpProtocol.UdpLite;
        }
        else if (value.SequenceEqual("ESP"u8))
        {
            protocol = IpProtocol.Esp;
        }
        else if (value.SequenceEqual("AH"u8))
        {
            protocol = (IpProtocol)51;
        }
        else
        {
            protocol = 0;
            return false;
        }

        return true;
    }
}
