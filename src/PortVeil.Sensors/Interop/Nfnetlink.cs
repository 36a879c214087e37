using System.Runtime.InteropServices;

namespace PortVeil.Sensors.Interop;

/// <summary>
/// nfnetlink (include/uapi/linux/netfilter/nfnetlink.h): a netfilter message's type is subsystem &lt;&lt; 8 | message,
/// and its payload starts with a 4-byte <see cref="GenericMessage"/> before the attributes.
/// </summary>
internal static class Nfnetlink
{
    public const byte SubsystemUlog = 4;

    public const byte Version0 = 0;

    public const int GenericMessageLength = 4;

    public static ushort MessageType(byte subsystem, byte message) => (ushort)((subsystem << 8) | message);

    /// <summary>struct nfgenmsg: address family, version, and resource id (the NFLOG group) in network byte order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct GenericMessage
    {
        public byte Family;
        public byte Version;
        public ushort ResourceIdBigEndian;
    }
}
