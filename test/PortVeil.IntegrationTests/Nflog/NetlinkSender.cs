using System.Runtime.InteropServices;
using PortVeil.Sensors.Interop;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Nflog;

/// <summary>
/// A second NETLINK_NETFILTER socket in the same namespace that sends crafted datagrams straight to another
/// socket's port id (unicast between user sockets needs CAP_NET_ADMIN, which the tests have as root).
/// </summary>
internal sealed unsafe class NetlinkSender : IDisposable
{
    private readonly int _fd;

    private NetlinkSender(int fd)
    {
        _fd = fd;
    }

    public static NetlinkSender OpenIn(LabHost host) => host.RunInside(() =>
    {
        var fd = Sys.Socket(Sys.AfNetlink, Sys.SockRaw | Sys.SockCloexec, Netlink.NetlinkNetfilter);
        if (fd < 0)
        {
            throw new IOException($"socket: errno {Marshal.GetLastPInvokeError()}");
        }

        var address = new Netlink.SocketAddress { Family = Sys.AfNetlink };
        if (Sys.Bind(fd, &address, sizeof(Netlink.SocketAddress)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Sys.Close(fd);
            throw new IOException($"bind: errno {errno}");
        }

        return new NetlinkSender(fd);
    });

    public void SendTo(uint portId, byte[] datagram)
    {
        var address = new Netlink.SocketAddress { Family = Sys.AfNetlink, PortId = portId };
        fixed (byte* p = datagram)
        {
            if (Sys.SendTo(_fd, p, (nuint)datagram.Length, 0, &address, sizeof(Netlink.SocketAddress)) < 0)
            {
                throw new IOException($"sendto: errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    public void Dispose() => Sys.Close(_fd);
}
