namespace PortVeil.Core;

/// <summary>The IP version of a packet.</summary>
public enum IpFamily : byte
{
    Unknown = 0,
    IPv4 = 4,
    IPv6 = 6,
}
