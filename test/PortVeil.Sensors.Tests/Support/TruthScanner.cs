using PortVeil.Core;

namespace PortVeil.Sensors.Tests.Support;

/// <summary>One scanner of a truth file: source, scan type, probed port counts, TCP flag texts and ICMP types it sent, with counts.</summary>
internal sealed record TruthScanner(
    NetAddress Source, string Scan, int TcpPortsProbed, int UdpPortsProbed, IReadOnlyDictionary<string, int> TcpFlagsSent, IReadOnlyDictionary<string, int> IcmpTypesSent);
