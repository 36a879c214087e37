using PortVeil.Core;

namespace PortVeil.Detection.Tests.Support;

/// <summary>
/// Generates packet sequences that imitate the corpus captures (nmap 7.93 timings, flags, windows and options; the
/// benign clients of s07) against a server with TCP 22, 25, 443, 8080, 8443, 31337 and UDP 53 open.
/// </summary>
public sealed class Scenario
{
    public static readonly ushort[] OpenTcp = [22, 25, 443, 8080, 8443, 31337];
    public static readonly ushort[] OpenUdp = [53];

    /// <summary>The top of nmap's TCP port list (most probed first), as in the corpus scans.</summary>
    public static readonly ushort[] TopTcp =
    [
        80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993, 5900, 1025, 587, 8888,
        199, 1720, 465, 548, 113, 81, 6001, 10000, 514, 5060, 179, 1026, 2000, 8443, 8000, 32768, 554, 26, 1433, 49152,
        2001, 515, 8008, 49154, 1027, 5666, 646, 5000, 5631, 631, 49153, 8081, 2049, 88, 79, 5800, 106, 2121, 1110, 49155,
        6000, 513, 990, 5357, 427, 49156, 543, 544, 5101, 144, 7, 389, 31337,
    ];

    public static readonly ushort[] TopUdp =
    [
        631, 161, 137, 123, 138, 1434, 445, 135, 67, 53, 139, 500, 68, 520, 1900, 4500, 514, 49152, 162, 69, 5353, 111,
        49154, 1701, 998, 996, 997, 999, 3283, 49153, 1812, 136, 2222, 2049, 3456, 20031, 1026, 1027, 1025, 32768, 7,
    ];

    private readonly List<PacketEvent> _events = [];
    private readonly Random _random;
    private ushort _nextPort = 41_000;

    public Scenario(int seed = 7)
    {
        _random = new Random(seed);
    }

    public Random Random => _random;

    public Scenario Add(PacketEvent e)
    {
        _events.Add(e);
        return this;
    }

    /// <summary>Every event, ordered by time (stable for equal times).</summary>
    public IReadOnlyList<PacketEvent> Sorted()
    {
        var indexed = _events.Select((e, i) => (e, i)).OrderBy(x => x.e.TimestampNs).ThenBy(x => x.i).Select(x => x.e).ToList();
        return indexed;
    }

    private static bool IsOpen(ushort port) => Array.IndexOf(OpenTcp, port) >= 0;

    private ushort Ephemeral() => _nextPort = (ushort)(_nextPort >= 60_000 ? 41_000 : _nextPort + 1);

    /// <summary>nmap's default host discovery as root: ICMP echo, SYN to 443, ACK to 80, ICMP timestamp.</summary>
    public Scenario NmapDiscovery(string src, double t)
    {
        Add(Events.Icmp(src, 8, t));
        Add(Events.NmapSyn(src, 443, t + 0.0001, sport: 50_001));
        Add(Events.SynAck(src, 443, t + 0.0003, toPort: 50_001));
        Add(Events.Tcp(src, 443, t + 0.0004, TcpFlags.Rst, window: 0, sport: 50_001));
        Add(Events.Tcp(src, 80, t + 0.0002, TcpFlags.Ack, window: 1024, sport: 50_001));
        Add(Events.RstAck(src, 80, t + 0.0005, toPort: 50_001));
        Add(Events.Icmp(src, 13, t + 0.0003));
        return this;
    }

    /// <summary>nmap -sS: raw SYNs (window 1024, lone MSS), SYN/ACK from open ports answered by the scanner kernel's RST, RST/ACK from closed ones.</summary>
    public Scenario SynScan(string src, IReadOnlyList<ushort> ports, double start, double gap, bool replies = true, bool nmap = true)
    {
        var t = start;
        foreach (var port in ports)
        {
            Add(nmap ? Events.NmapSyn(src, port, t) : Events.Syn(src, port, t, window: 512, opts: SynOptions.None, sport: 2_000));
            if (replies)
            {
                var sport = nmap ? (ushort)61_234 : (ushort)2_000;
                if (IsOpen(port))
                {
                    Add(Events.SynAck(src, port, t + 0.0002, toPort: sport));
                    Add(Events.Tcp(src, port, t + 0.0003, TcpFlags.Rst, window: 0, sport: sport));
                }
                else
                {
                    Add(Events.RstAck(src, port, t + 0.0002, toPort: sport));
                }
            }

            t += gap;
        }

        return this;
    }

    /// <summary>nmap -sT: the OS stack's SYNs (Linux options); open ports complete the handshake, then RST/ACK.</summary>
    public Scenario ConnectScan(string src, IReadOnlyList<ushort> ports, double start, double gap)
    {
        var t = start;
        foreach (var port in ports)
        {
            var sport = Ephemeral();
            Add(Events.Syn(src, port, t, sport: sport));
            if (IsOpen(port))
            {
                Add(Events.SynAck(src, port, t + 0.0002, toPort: sport));
                Add(Events.Tcp(src, port, t + 0.0003, TcpFlags.Ack, sport: sport));
                Add(Events.Tcp(src, port, t + 0.0004, TcpFlags.Rst | TcpFlags.Ack, sport: sport));
            }
            else
            {
                Add(Events.RstAck(src, port, t + 0.0002, toPort: sport));
            }

            t += gap;
        }

        return this;
    }

    /// <summary>
    /// A flag scan (-sF, -sN, -sX, -sA, -sM, SYN+FIN): closed ports answer RST/ACK, open ones stay silent and get a
    /// retransmitted probe (nmap --max-retries).
    /// </summary>
    public Scenario FlagScan(string src, IReadOnlyList<ushort> ports, double start, double gap, TcpFlags flags)
    {
        var t = start;
        foreach (var port in ports)
        {
            Add(Events.Tcp(src, port, t, flags, window: 1024, sport: 61_234));
            if (!IsOpen(port) || (flags & TcpFlags.Ack) != 0)
            {
                Add(Events.RstAck(src, port, t + 0.0002, toPort: 61_234));
            }
            else
            {
                Add(Events.Tcp(src, port, t + 1.0, flags, window: 1024, sport: 61_234));
            }

            t += gap;
        }

        return this;
    }

    /// <summary>nmap -sU: closed ports answer ICMP port unreachable, 53 answers with data.</summary>
    public Scenario UdpScan(string src, IReadOnlyList<ushort> ports, double start, double gap)
    {
        var t = start;
        foreach (var port in ports)
        {
            Add(Events.Udp(src, port, t, sport: 51_000));
            if (Array.IndexOf(OpenUdp, port) >= 0)
            {
                Add(Events.UdpReply(src, port, t + 0.0003, toPort: 51_000));
            }
            else
            {
                Add(Events.PortUnreachable(src, port, t + 0.0003));
            }

            t += gap;
        }

        return this;
    }

    // ---- Benign behaviours of s07 -------------------------------------------------------------------------------

    /// <summary>One complete client connection: SYN, SYN/ACK, ACK, request, response, FIN/ACK, ACK.</summary>
    public Scenario Connection(string src, ushort port, double t, bool serverResets = false)
    {
        var sport = Ephemeral();
        Add(Events.Syn(src, port, t, sport: sport));
        Add(Events.SynAck(src, port, t + 0.0001, toPort: sport));
        Add(Events.Tcp(src, port, t + 0.0002, TcpFlags.Ack, sport: sport));
        Add(Events.Tcp(src, port, t + 0.0003, TcpFlags.Ack | TcpFlags.Psh, sport: sport));
        if (serverResets)
        {
            Add(Events.RstAck(src, port, t + 0.0005, toPort: sport));
            return this;
        }

        Add(Events.Reply(src, port, t + 0.002, TcpFlags.Ack | TcpFlags.Psh, toPort: sport));
        Add(Events.Tcp(src, port, t + 0.0025, TcpFlags.Ack, sport: sport));
        Add(Events.Tcp(src, port, t + 0.003, TcpFlags.Fin | TcpFlags.Ack, sport: sport));
        Add(Events.Reply(src, port, t + 0.0032, TcpFlags.Fin | TcpFlags.Ack, toPort: sport));
        Add(Events.Tcp(src, port, t + 0.0034, TcpFlags.Ack, sport: sport));
        return this;
    }

    /// <summary>HTTP client: a new connection to <paramref name="port"/> every 1-2 s.</summary>
    public Scenario HttpClient(string src, ushort port, double start, double seconds)
    {
        for (var t = start; t < start + seconds; t += 1 + _random.NextDouble())
        {
            Connection(src, port, t);
        }

        return this;
    }

    /// <summary>Typo client: connects to closed 8008 (RST), then does its GET on 8080; repeated.</summary>
    public Scenario TypoClient(string src, double start, int repeats = 2, ushort typoPort = 8008)
    {
        var t = start;
        for (var i = 0; i < repeats; i++)
        {
            var sport = Ephemeral();
            Add(Events.Syn(src, typoPort, t, sport: sport));
            Add(Events.RstAck(src, typoPort, t + 0.0001, toPort: sport));
            Connection(src, 8080, t + 0.5);
            t += 5 + _random.NextDouble() * 2;
        }

        return this;
    }

    /// <summary>Client whose connections to 8443 the server aborts with RST; it retries.</summary>
    public Scenario ResetClient(string src, double start, int tries = 6)
    {
        for (var i = 0; i < tries; i++)
        {
            Connection(src, 8443, start + (i * 3), serverResets: true);
        }

        return this;
    }

    /// <summary>Resolver client: UDP 53 every 1-4 s, answered.</summary>
    public Scenario DnsClient(string src, double start, double seconds)
    {
        for (var t = start; t < start + seconds; t += 1 + (_random.NextDouble() * 3))
        {
            var sport = Ephemeral();
            Add(Events.Udp(src, 53, t, sport: sport));
            Add(Events.UdpReply(src, 53, t + 0.0002, toPort: sport));
        }

        return this;
    }

    /// <summary>SSH-like client: TCP 22 every 3-8 s.</summary>
    public Scenario SshClient(string src, double start, double seconds)
    {
        for (var t = start; t < start + seconds; t += 3 + (_random.NextDouble() * 5))
        {
            Connection(src, 22, t);
        }

        return this;
    }

    /// <summary>
    /// A long session to 22 whose handshake happened before the capture: ACKs and data every 5 s, then a FIN/ACK,
    /// and late ACK/FIN retransmits after the server side is gone (conntrack expired).
    /// </summary>
    public Scenario LongSessionMidCapture(string src, double start, double seconds, ushort port = 22)
    {
        const ushort sport = 39_999;
        var t = start;
        for (; t < start + seconds; t += 5)
        {
            Add(Events.Tcp(src, port, t, TcpFlags.Ack | TcpFlags.Psh, sport: sport));
            Add(Events.Reply(src, port, t + 0.001, TcpFlags.Ack, toPort: sport));
        }

        Add(Events.Tcp(src, port, t, TcpFlags.Fin | TcpFlags.Ack, sport: sport));
        Add(Events.Tcp(src, port, t + 200, TcpFlags.Ack, sport: sport));
        Add(Events.Tcp(src, port, t + 400, TcpFlags.Fin | TcpFlags.Ack, sport: sport));
        return this;
    }

    /// <summary>Service monitor: every 10-20 s connects to each of 22, 25, 443, 8080.</summary>
    public Scenario ServiceMonitor(string src, double start, double seconds)
    {
        for (var t = start; t < start + seconds; t += 10 + (_random.NextDouble() * 10))
        {
            Connection(src, 22, t);
            Connection(src, 25, t + 0.05);
            Connection(src, 443, t + 0.1);
            Connection(src, 8080, t + 0.15);
        }

        return this;
    }

    /// <summary>Ping monitor: ICMP echo every 2 s.</summary>
    public Scenario PingMonitor(string src, double start, int pings)
    {
        for (var i = 0; i < pings; i++)
        {
            Add(Events.Icmp(src, 8, start + (2 * i)));
        }

        return this;
    }

    /// <summary>The nine benign clients of s07_benign_only over <paramref name="seconds"/>.</summary>
    public Scenario BenignMix(double start, double seconds)
    {
        HttpClient("192.0.2.21", 8080, start, seconds);
        HttpClient("192.0.2.22", 443, start, seconds);
        TypoClient("192.0.2.23", start);
        ResetClient("192.0.2.24", start);
        DnsClient("192.0.2.25", start + 1, seconds);
        SshClient("192.0.2.26", start + 1, seconds);
        LongSessionMidCapture("192.0.2.27", start + 1, seconds);
        ServiceMonitor("192.0.2.29", start + 1, seconds);
        PingMonitor("192.0.2.28", start + 0.5, 25);
        return this;
    }

    /// <summary>A random permutation of <paramref name="ports"/> (nmap randomises its port order).</summary>
    public ushort[] Shuffled(IEnumerable<ushort> ports)
    {
        var array = ports.ToArray();
        _random.Shuffle(array);
        return array;
    }
}
