namespace PortVeil.Core;

/// <summary>The TCP flag byte, bit for bit as on the wire.</summary>
[Flags]
#pragma warning disable CA1711 // "Flags" is the domain name of this byte.
public enum TcpFlags : byte
#pragma warning restore CA1711
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
}
