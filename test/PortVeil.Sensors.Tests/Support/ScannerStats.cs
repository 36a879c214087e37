using PortVeil.Core;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>What one source sent to the targets, computed from decoded events the way the corpus truth tool counts.</summary>
internal sealed class ScannerStats
{
    public HashSet<ushort> TcpPorts { get; } = [];

    public HashSet<ushort> UdpPorts { get; } = [];

    public Dictionary<string, int> TcpFlags { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> IcmpTypes { get; } = new(StringComparer.Ordinal);

    public static ScannerStats Of(IEnumerable<PacketEvent> events, NetAddress source, IReadOnlyList<NetAddress> targets)
    {
        var stats = new ScannerStats();
        foreach (var e in events)
        {
            if (e.Source != source || !targets.Contains(e.Destination))
            {
                continue;
            }

            switch (e.Protocol)
            {
                case IpProtocol.Tcp:
                    stats.TcpPorts.Add(e.DestinationPort);
                    var text = CorpusTruth.FlagText(e.Flags);
                    stats.TcpFlags[text] = stats.TcpFlags.GetValueOrDefault(text) + 1;
                    break;
                case IpProtocol.Udp:
                    stats.UdpPorts.Add(e.DestinationPort);
                    break;
                case IpProtocol.Icmp or IpProtocol.IcmpV6:
                    var type = e.IcmpType.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    stats.IcmpTypes[type] = stats.IcmpTypes.GetValueOrDefault(type) + 1;
                    break;
                default:
                    break;
            }
        }

        return stats;
    }
}
