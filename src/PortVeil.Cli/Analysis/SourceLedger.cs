using PortVeil.Core;

namespace PortVeil.Cli.Analysis;

/// <summary>
/// What analyze keeps about one remote source over the whole input: every port it probed and every answer it got,
/// so a scanner's summary (ports probed, open ports learned) is exact even for what happened before the verdict.
/// The engine's own per-source state stays small and bounded; this ledger is the offline report's bookkeeping
/// and is capped by <see cref="VerdictCollector"/>.
/// </summary>
internal sealed class SourceLedger
{
    /// <summary>Set when the engine flags the source.</summary>
    public Verdict? Verdict { get; set; }

    /// <summary>Seeds a ledger opened only at the verdict (the ledger cap was reached earlier) from the evidence.</summary>
    public void SeedFrom(Verdict verdict)
    {
        var e = verdict.Evidence;
        var probed = verdict.Scan == ScanKind.Udp ? UdpPorts : TcpPorts;
        probed.UnionWith(e.PortsProbed);
        (verdict.Scan == ScanKind.Udp ? UdpReplyPorts : SynAckPorts).UnionWith(e.OpenPortsReached);
        RstPorts.UnionWith(e.ClosedPorts);
        Packets = Math.Max(Packets, e.Probes);
        Touch(e.FirstSeenNs);
        Touch(verdict.DecidedAtNs);
        HostsBefore = e.HostsProbed;
    }

    public HashSet<ushort> TcpPorts { get; } = [];

    public HashSet<ushort> UdpPorts { get; } = [];

    public HashSet<ushort> SynAckPorts { get; } = [];

    public HashSet<ushort> UdpReplyPorts { get; } = [];

    public HashSet<ushort> RstPorts { get; } = [];

    public HashSet<NetAddress> Hosts { get; } = [];

    public int HostsBefore { get; private set; }

    public long Packets { get; private set; }

    public long FirstSeenNs { get; private set; }

    public long LastSeenNs { get; private set; }

    /// <summary>A packet from the flagged source to the host.</summary>
    public void AddInbound(in PacketEvent p)
    {
        Packets++;
        Touch(p.TimestampNs);
        Hosts.Add(p.Destination);
        switch (p.Protocol)
        {
            case IpProtocol.Tcp:
                // Openers and stealth probes name a port; the scanner's own RST/ACK after a SYN/ACK does not probe anew.
                if ((p.Flags & TcpFlags.Rst) == 0)
                {
                    TcpPorts.Add(p.DestinationPort);
                }

                break;
            case IpProtocol.Udp:
                UdpPorts.Add(p.DestinationPort);
                break;
        }
    }

    /// <summary>A reply from the host to the flagged source: what the source learned.</summary>
    public void AddReply(in PacketEvent p)
    {
        Touch(p.TimestampNs);
        switch (p.Protocol)
        {
            case IpProtocol.Tcp when (p.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack):
                SynAckPorts.Add(p.SourcePort);
                break;
            case IpProtocol.Tcp when (p.Flags & TcpFlags.Rst) != 0:
                RstPorts.Add(p.SourcePort);
                break;
            case IpProtocol.Udp:
                UdpReplyPorts.Add(p.SourcePort);
                break;
        }
    }

    private void Touch(long ns)
    {
        if (FirstSeenNs == 0 || ns < FirstSeenNs)
        {
            FirstSeenNs = ns;
        }

        if (ns > LastSeenNs)
        {
            LastSeenNs = ns;
        }
    }

    /// <summary>
    /// Open ports the source learned over the whole input: ports that answered it (SYN/ACK, UDP), plus probed ports
    /// known to be served (from --served or from answers to anyone) when the capture holds no answers (kernel logs).
    /// For FIN/NULL/XMAS/Maimon scans an open port stays silent, so open|filtered = probed ports that drew no RST.
    /// </summary>
    public SortedSet<ushort> ExposedPorts(Func<IpProtocol, ushort, bool> isServed)
    {
        var exposed = new SortedSet<ushort>();
        if (Verdict!.Scan == ScanKind.Udp)
        {
            exposed.UnionWith(UdpReplyPorts);
            foreach (var p in UdpPorts)
            {
                if (isServed(IpProtocol.Udp, p))
                {
                    exposed.Add(p);
                }
            }

            return exposed;
        }

        var silentOpen = Verdict.Scan is ScanKind.Fin or ScanKind.Null or ScanKind.Xmas or ScanKind.Maimon && RstPorts.Count > 0;
        foreach (var p in TcpPorts)
        {
            if (silentOpen ? !RstPorts.Contains(p) : isServed(IpProtocol.Tcp, p))
            {
                exposed.Add(p);
            }
        }

        exposed.UnionWith(SynAckPorts);
        return exposed;
    }
}
