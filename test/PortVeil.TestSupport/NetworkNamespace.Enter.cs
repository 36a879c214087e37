using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PortVeil.TestSupport;

public sealed partial class NetworkNamespace
{
    private const int CloneNewNet = 0x4000_0000;

    /// <summary>
    /// A TCP listener on every IPv4 address of this namespace, started there. Nobody accepts: the kernel completes
    /// handshakes into its backlog, which is all a test of what reaches the port needs.
    /// </summary>
    public TcpListener ListenTcp(int port) => RunInside(() =>
    {
        var listener = new TcpListener(IPAddress.Any, port);
        listener.Start();
        return listener;
    });

    /// <summary>
    /// Runs <paramref name="action"/> on a fresh thread that has joined this namespace (setns(2) changes only the
    /// calling thread). Sockets created there, such as a netlink socket for NFLOG or a libnftables context,
    /// stay bound to this namespace when used later from any thread (read /proc/thread-self/net, not /proc/net,
    /// which shows the main thread's namespace). The test process itself never leaves the
    /// initial namespace, so the host's own firewall is never touched.
    /// </summary>
    public T RunInside<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle(Path.Combine("/var/run/netns", Name));
                if (SetNs(target.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns into {Name} failed: errno {Marshal.GetLastPInvokeError()}");
                }

                // The thread ends after the action, so it never returns to the initial namespace with our state.
                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = $"netns {Name}" };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"action inside namespace {Name} failed: {error.Message}", error);
        }

        return result;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
