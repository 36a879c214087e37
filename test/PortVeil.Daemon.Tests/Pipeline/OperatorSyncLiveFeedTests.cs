using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PortVeil.Daemon.Api;
using PortVeil.Daemon.Operations;
using PortVeil.Daemon.Pipeline;
using PortVeil.Daemon.Tests.Operations;
using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Daemon.Tests.Pipeline;

/// <summary>
/// The live dashboard feed hears of every ban lifted by hand, once: the daemon's API announces its own unbans, and
/// the sync loop announces the ones made elsewhere (the CLI on this host), which the dashboard never heard of before.
/// One real database file, a CLI side and a daemon side (<see cref="OperatorFixture"/>).
/// </summary>
public sealed class OperatorSyncLiveFeedTests : IDisposable
{
    private readonly OperatorFixture _f = new();
    private readonly LiveFeed _feed = new();
    private readonly OperatorSyncLoop _sync;

    public OperatorSyncLiveFeedTests()
    {
        _sync = new OperatorSyncLoop(_f.DaemonStore, _f.DaemonStore, _f.DaemonAllowlist, pusher: null, _f.Policy, enforcer: null,
            NullLogger.Instance, feed: _feed);
    }

    [Fact]
    public async Task A_ban_lifted_from_the_CLI_reaches_the_live_feed_once_as_an_operator_unban()
    {
        await _f.Cli.BanAsync(NetPrefix.Parse("203.0.113.9"), TimeSpan.FromHours(1), "", default);
        await _sync.SyncOnceAsync(default);
        var live = _feed.Subscribe()!;

        await _f.Cli.UnbanAsync(NetPrefix.Parse("203.0.113.9"), default);
        await _sync.SyncOnceAsync(default);
        await _sync.SyncOnceAsync(default); // the overlap re-reads the end: still one message

        var message = Assert.Single(Drain(live));
        Assert.Equal("unban", message.Type);
        using var json = JsonDocument.Parse(message.Json);
        Assert.Equal("203.0.113.9", json.RootElement.GetProperty("target").GetString());
        Assert.Equal("operator", json.RootElement.GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_ban_lifted_by_allowlisting_its_address_from_the_CLI_reaches_the_live_feed_as_an_allowlist_unban()
    {
        await _f.Cli.BanAsync(NetPrefix.Parse("198.51.100.20"), TimeSpan.FromHours(1), "", default);
        await _sync.SyncOnceAsync(default);
        var live = _feed.Subscribe()!;

        await _f.Cli.AllowAsync(NetPrefix.Parse("198.51.100.0/24"), "office", default);
        await _sync.SyncOnceAsync(default);

        var message = Assert.Single(Drain(live));
        Assert.Equal("unban", message.Type);
        using var json = JsonDocument.Parse(message.Json);
        Assert.Equal("198.51.100.20", json.RootElement.GetProperty("target").GetString());
        Assert.Equal("allowlist", json.RootElement.GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_ban_lifted_by_the_daemons_own_operator_actions_is_not_announced_again_by_the_loop()
    {
        // The daemon's own actions (what its API calls), wired to the loop as PortVeilDaemon wires them.
        var daemon = new OperatorActions(_f.DaemonStore, kernel: null, _f.DaemonAllowlist, _f.Policy, hostName: "cli-host");
        daemon.Ending += _sync.AnnouncedElsewhere;
        await _f.Cli.BanAsync(NetPrefix.Parse("203.0.113.9"), TimeSpan.FromHours(1), "", default);
        await _f.Cli.BanAsync(NetPrefix.Parse("203.0.113.10"), TimeSpan.FromHours(1), "", default);
        await _sync.SyncOnceAsync(default);
        var live = _feed.Subscribe()!;

        Assert.Equal(OperatorStatus.Done, (await daemon.UnbanAsync(NetPrefix.Parse("203.0.113.9"), default)).Status);
        Assert.Equal(OperatorStatus.Done, (await _f.Cli.UnbanAsync(NetPrefix.Parse("203.0.113.10"), default)).Status);
        await _sync.SyncOnceAsync(default);

        // Only the CLI's: the API publishes its own "unban" (by "api") next to the action (ApiActionTests).
        var message = Assert.Single(Drain(live));
        using var json = JsonDocument.Parse(message.Json);
        Assert.Equal("203.0.113.10", json.RootElement.GetProperty("target").GetString());
        Assert.Empty(await _f.DaemonStore.ListActiveBansAsync(DateTimeOffset.UtcNow));
    }

    public void Dispose() => _f.Dispose();

    private static List<LiveMessage> Drain(System.Threading.Channels.ChannelReader<LiveMessage> reader)
    {
        var messages = new List<LiveMessage>();
        while (reader.TryRead(out var m))
        {
            messages.Add(m);
        }

        return messages;
    }
}
