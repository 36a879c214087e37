using System.Net.Sockets;
using System.Text;
using PortVeil.Daemon.Systemd;
using PortVeil.TestSupport;

namespace PortVeil.Daemon.Tests.Systemd;

/// <summary>The WATCHDOG=1 sender against a real Unix datagram socket standing in for systemd's notify socket.</summary>
public sealed class SystemdWatchdogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pv-notify-").FullName;

    [Fact]
    public async Task Pings_reach_the_notify_socket_while_the_daemon_is_healthy()
    {
        var path = Path.Combine(_directory, "notify");
        using var systemd = Bind(path);
        using var watchdog = new SystemdWatchdog(new WatchdogSettings(path, TimeSpan.FromMilliseconds(200)), () => true);
        await watchdog.StartAsync(CancellationToken.None);

        var messages = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            messages.Add(await ReceiveAsync(systemd, TestTimeouts.Event) ?? "(nothing)");
        }

        await watchdog.StopAsync(CancellationToken.None);
        Assert.All(messages, m => Assert.Equal("WATCHDOG=1", m));
        Assert.True(watchdog.Pings >= 3);
    }

    [Fact]
    public async Task No_ping_is_sent_while_the_pipeline_is_dead_and_pings_resume_when_it_is_healthy()
    {
        var path = Path.Combine(_directory, "notify");
        using var systemd = Bind(path);
        var healthy = false;
        using var watchdog = new SystemdWatchdog(new WatchdogSettings(path, TimeSpan.FromMilliseconds(100)), () => Volatile.Read(ref healthy));
        await watchdog.StartAsync(CancellationToken.None);

        // Ten intervals of 50 ms pass without a single ping.
        Assert.Null(await ReceiveAsync(systemd, TimeSpan.FromMilliseconds(500)));
        Assert.Equal(0, watchdog.Pings);

        Volatile.Write(ref healthy, true);
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(systemd, TestTimeouts.Event));
        await watchdog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_abstract_notify_socket_written_with_an_at_sign_is_reached()
    {
        var name = "pv-notify-" + Guid.NewGuid().ToString("N");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var watchdog = new SystemdWatchdog(new WatchdogSettings("@" + name, TimeSpan.FromMilliseconds(200)), () => true);
        await watchdog.StartAsync(CancellationToken.None);
        Assert.Equal("WATCHDOG=1", await ReceiveAsync(systemd, TestTimeouts.Event));
        await watchdog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void The_watchdog_is_on_only_for_the_process_systemd_named_with_a_valid_timeout()
    {
        var on = WatchdogSettings.FromValues("/run/systemd/notify", "30000000", "4242", 4242);
        Assert.NotNull(on);
        Assert.Equal(TimeSpan.FromSeconds(30), on.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(15), on.Interval);
        Assert.NotNull(WatchdogSettings.FromValues("/run/systemd/notify", "30000000", null, 4242));

        Assert.Null(WatchdogSettings.FromValues("/run/systemd/notify", "30000000", "4243", 4242));
        Assert.Null(WatchdogSettings.FromValues(null, "30000000", null, 4242));
        Assert.Null(WatchdogSettings.FromValues("/run/systemd/notify", null, null, 4242));
        Assert.Null(WatchdogSettings.FromValues("/run/systemd/notify", "0", null, 4242));
        Assert.Null(WatchdogSettings.FromValues("/run/systemd/notify", "-5", null, 4242));
        Assert.Null(WatchdogSettings.FromValues("/run/systemd/notify", "30s", null, 4242));
    }

    [Fact]
    public async Task Without_systemd_settings_the_watchdog_does_nothing_and_ends()
    {
        using var watchdog = new SystemdWatchdog(null, () => true);
        await watchdog.StartAsync(CancellationToken.None);
        Assert.NotNull(watchdog.ExecuteTask);
        await watchdog.ExecuteTask.WaitAsync(TestTimeouts.Event);
        Assert.Equal(0, watchdog.Pings);
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static async Task<string?> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
