using PortVeil.Core;
using PortVeil.Daemon.Operations;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Operations;

public sealed class OperatorActionsTests : IDisposable
{
    private readonly OperatorFixture _f = new("192.0.2.0/24");

    public void Dispose() => _f.Dispose();

    private static NetPrefix P(string text) => NetPrefix.Parse(text);

    [Fact]
    public async Task A_manual_ban_is_stored_without_a_detector_and_says_the_kernel_was_not_touched()
    {
        var r = await _f.Cli.BanAsync(P("203.0.113.7"), TimeSpan.FromHours(2), "seen in the web log", default);

        Assert.Equal(OperatorStatus.Done, r.Status);
        Assert.Contains("Banned 203.0.113.7 for 2h", r.Message, StringComparison.Ordinal);
        Assert.Contains(r.Warnings, w => w.Contains("kernel was not touched", StringComparison.Ordinal));
        var stored = Assert.Single(await _f.CliStore.ListActiveBansAsync(DateTimeOffset.UtcNow));
        Assert.Equal(r.BanId, stored.Ban.Id);
        Assert.Null(stored.Ban.Detector);
        Assert.Equal("seen in the web log", stored.Ban.Reason);
        Assert.Equal("cli-host", stored.Ban.OriginHost);
        var listed = Assert.Single(await _f.Cli.ListBansAsync(default));
        Assert.Equal("manual", listed.Origin);
        Assert.False(listed.InKernel);
    }

    [Fact]
    public async Task Banning_an_allowlisted_address_is_refused_and_names_the_entry()
    {
        var r = await _f.Cli.BanAsync(P("192.0.2.44"), TimeSpan.FromHours(1), "", default);

        Assert.Equal(OperatorStatus.Refused, r.Status);
        Assert.Contains("192.0.2.44 is on the allowlist (192.0.2.0/24: static allowlist entry from configuration)", r.Message, StringComparison.Ordinal);
        Assert.Empty(await _f.CliStore.ListActiveBansAsync(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Banning_an_IPv4_block_other_than_a_24_or_for_zero_seconds_is_invalid()
    {
        var block = await _f.Cli.BanAsync(P("203.0.112.0/23"), TimeSpan.FromHours(1), "", default);
        var zero = await _f.Cli.BanAsync(P("203.0.113.5"), TimeSpan.Zero, "", default);

        Assert.Equal(OperatorStatus.Invalid, block.Status);
        Assert.Contains("single addresses, IPv4 /24 and IPv6 /64 blocks", block.Message, StringComparison.Ordinal);
        Assert.Equal(OperatorStatus.Invalid, zero.Status);
    }

    [Fact]
    public async Task A_second_manual_ban_of_the_same_target_replaces_the_first()
    {
        var first = await _f.Cli.BanAsync(P("2001:db8:1:2::/64"), TimeSpan.FromHours(1), "", default);
        var second = await _f.Cli.BanAsync(P("2001:db8:1:2::/64"), TimeSpan.FromDays(3), "", default);

        Assert.Equal(1, second.BansEnded);
        var active = Assert.Single(await _f.CliStore.ListActiveBansAsync(DateTimeOffset.UtcNow));
        Assert.Equal(second.BanId, active.Ban.Id);
        Assert.Equal(BanEndReason.Superseded, (await _f.CliStore.FindBanAsync(first.BanId!.Value))!.EndReason);
    }

    [Fact]
    public async Task Unban_ends_the_stored_ban_as_unbanned_and_a_second_unban_finds_nothing()
    {
        var ban = await _f.Cli.BanAsync(P("203.0.113.9"), TimeSpan.FromHours(1), "", default);

        var r = await _f.Cli.UnbanAsync(P("203.0.113.9"), default);
        var again = await _f.Cli.UnbanAsync(P("203.0.113.9"), default);

        Assert.Equal(OperatorStatus.Done, r.Status);
        Assert.Equal(1, r.BansEnded);
        Assert.Equal(BanEndReason.Unbanned, (await _f.CliStore.FindBanAsync(ban.BanId!.Value))!.EndReason);
        Assert.Equal(OperatorStatus.NotFound, again.Status);
        Assert.Equal("203.0.113.9 is not banned.", again.Message);
    }

    [Fact]
    public async Task Unban_of_an_address_inside_a_banned_64_names_the_wider_ban()
    {
        await _f.Cli.BanAsync(P("2001:db8:7:7::/64"), TimeSpan.FromHours(1), "", default);

        var r = await _f.Cli.UnbanAsync(P("2001:db8:7:7::15"), default);

        Assert.Equal(OperatorStatus.NotFound, r.Status);
        Assert.Contains("the ban of 2001:db8:7:7::/64 covers it", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_lifts_the_bans_inside_it_and_later_bans_of_it_are_refused()
    {
        var ban = await _f.Cli.BanAsync(P("198.51.100.20"), TimeSpan.FromHours(1), "", default);

        var r = await _f.Cli.AllowAsync(P("198.51.100.0/24"), "partner office", default);
        var reban = await _f.Cli.BanAsync(P("198.51.100.21"), TimeSpan.FromHours(1), "", default);

        Assert.Equal(OperatorStatus.Done, r.Status);
        Assert.Equal(1, r.BansEnded);
        Assert.Equal(BanEndReason.Allowlisted, (await _f.CliStore.FindBanAsync(ban.BanId!.Value))!.EndReason);
        Assert.Equal(OperatorStatus.Refused, reban.Status);
        Assert.Contains("added by an operator: partner office", reban.Message, StringComparison.Ordinal);
        var entry = Assert.Single(await _f.Cli.ListAllowAsync(includeReserved: false, default), e => e.Source == "operator");
        Assert.Equal("198.51.100.0/24", entry.Prefix.ToString());
        Assert.True(entry.Removable);
    }

    [Fact]
    public async Task Disallow_removes_an_operator_entry_but_not_one_from_the_configuration()
    {
        await _f.Cli.AllowAsync(P("198.51.100.5"), null, default);

        var removed = await _f.Cli.DisallowAsync(P("198.51.100.5"), default);
        var fromConfig = await _f.Cli.DisallowAsync(P("192.0.2.0/24"), default);

        Assert.Equal(OperatorStatus.Done, removed.Status);
        Assert.Empty(await _f.CliStore.ListAllowAsync());
        Assert.Equal(OperatorStatus.NotFound, fromConfig.Status);
        Assert.Contains("Edit allowlist.static in the configuration file", fromConfig.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowing_everything_is_refused()
    {
        var r = await _f.Cli.AllowAsync(P("0.0.0.0/0"), null, default);

        Assert.Equal(OperatorStatus.Refused, r.Status);
        Assert.Empty(await _f.CliStore.ListAllowAsync());
    }

    [Fact]
    public async Task An_allow_entry_made_by_the_CLI_reaches_the_running_daemons_policy_in_one_sync_pass()
    {
        Assert.Equal(BanAction.Ban, _f.Policy.Decide(Some.Verdict("203.0.113.50")).Action);
        _f.Policy.Release(NetPrefix.Parse("203.0.113.50"));

        await _f.Cli.AllowAsync(P("203.0.113.48/29"), "monitoring", default);
        var before = _f.Policy.Decide(Some.Verdict("203.0.113.50"));
        _f.Policy.Release(NetPrefix.Parse("203.0.113.50"));
        await _f.Sync.SyncOnceAsync(default);
        var after = _f.Policy.Decide(Some.Verdict("203.0.113.50"));

        Assert.Equal(BanAction.Ban, before.Action);
        Assert.Equal(BanAction.Skip, after.Action);
        Assert.Equal(SkipReason.Allowlisted, after.SkipReason);
        Assert.Equal(AllowlistSource.Operator, after.AllowlistEntry!.Source);
    }

    [Fact]
    public async Task A_manual_unban_by_the_CLI_reaches_the_running_daemons_policy_ledger()
    {
        var decision = _f.Policy.Decide(Some.Verdict("203.0.113.60"));
        Assert.Equal(BanAction.Ban, decision.Action);
        await _f.DaemonStore.RecordBanAsync(Some.Ban(Some.Address(60), decision.DecidedAt, decision.ExpiresAt - decision.DecidedAt) with
        {
            Reason = decision.Explanation,
            OriginHost = "daemon-host",
        });
        await _f.Sync.SyncOnceAsync(default);
        Assert.Equal(SkipReason.AlreadyBanned, _f.Policy.Decide(Some.Verdict("203.0.113.60")).SkipReason);

        var unban = await _f.Cli.UnbanAsync(P("203.0.113.60"), default);
        await _f.Sync.SyncOnceAsync(default);

        Assert.Equal(OperatorStatus.Done, unban.Status);
        Assert.Equal(0, _f.Policy.ActiveBans);
        Assert.Equal(BanAction.Ban, _f.Policy.Decide(Some.Verdict("203.0.113.60")).Action);
    }

    [Fact]
    public async Task A_manual_ban_by_the_CLI_is_known_to_the_running_daemons_policy()
    {
        await _f.Cli.BanAsync(P("203.0.113.70"), TimeSpan.FromHours(1), "", default);

        await _f.Sync.SyncOnceAsync(default);

        Assert.Equal(1, _f.Policy.ActiveBans);
        Assert.Equal(SkipReason.AlreadyBanned, _f.Policy.Decide(Some.Verdict("203.0.113.70")).SkipReason);
    }

    [Fact]
    public async Task A_manual_ban_then_its_unban_both_made_by_the_CLI_reach_the_running_daemons_policy()
    {
        await _f.Cli.BanAsync(P("203.0.113.80"), TimeSpan.FromHours(1), "", default);
        await _f.Sync.SyncOnceAsync(default);
        Assert.Equal(1, _f.Policy.ActiveBans);

        await _f.Cli.UnbanAsync(P("203.0.113.80"), default);
        await _f.Sync.SyncOnceAsync(default);

        Assert.Equal(0, _f.Policy.ActiveBans);
    }
}
