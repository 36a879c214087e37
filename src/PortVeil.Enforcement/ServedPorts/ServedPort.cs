using PortVeil.Core;

namespace PortVeil.Enforcement.ServedPorts;

/// <summary>A (protocol, port) pair the host serves: a listening socket or a DNAT-published port.</summary>
public readonly record struct ServedPort(IpProtocol Protocol, ushort Port) : IComparable<ServedPort>
{
    public int CompareTo(ServedPort other)
    {
        var c = Protocol.CompareTo(other.Protocol);
        return c != 0 ? c : Port.CompareTo(other.Port);
    }

    public static bool operator <(ServedPort left, ServedPort right) => left.CompareTo(right) < 0;

    public static bool operator <=(ServedPort left, ServedPort right) => left.CompareTo(right) <= 0;

    public static bool operator >(ServedPort left, ServedPort right) => left.CompareTo(right) > 0;

    public static bool operator >=(ServedPort left, ServedPort right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{(Protocol == IpProtocol.Tcp ? "tcp" : Protocol == IpProtocol.Udp ? "udp" : ((byte)Protocol).ToString(System.Globalization.CultureInfo.InvariantCulture))}/{Port}";
}
