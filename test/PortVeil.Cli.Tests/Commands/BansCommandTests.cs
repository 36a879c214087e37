using System.Text.Json;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>`portveil bans list|add|remove` on the configured backend; run on SQLite by SqliteBansCommandTests and on PostgreSQL by PostgresBansCommandTests.</summary>
public abstract class BansCommandTests(OperatorState state) : IDisposable
{
    private readonly OperatorState _state = state;

    protected OperatorState State => _state;

    public void Dispose()
    {
        _state.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Bans_add_stores_a_manual_ban_and_bans_list_shows_it_in_a_table()
    {
        var (exit, stdout, _) = _state.RunNoKernel("bans", "add", "203.0.113.7", "--duration", "2h", "--reason", "brute force on the web login");
        Assert.Equal(0, exit);
        Assert.Contains("Banned 203.0.113.7 for 2h", stdout, StringComparison.Ordinal);
        Assert.Contains("note: the kernel was not touched", stdout, StringComparison.Ordinal);

        var (listExit, list, _) = _state.RunNoKernel("bans", "list");

        Assert.Equal(0, listExit);
        var row = Assert.Single(list.Split('\n'), l => l.Contains("203.0.113.7", StringComparison.Ordinal));
        Assert.Contains("manual", row, StringComparison.Ordinal);
        Assert.Contains("brute force on the web login", row, StringComparison.Ordinal);
        Assert.Contains("not in kernel", row, StringComparison.Ordinal);
        Assert.Contains("1 active ban(s).", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bans_list_json_has_the_documented_fields_of_a_detector_ban()
    {
        var banId = await _state.RecordScanAsync("203.0.113.20", DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(1));

        var (exit, stdout, _) = _state.RunNoKernel("bans", "list", "--output", "json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.False(doc.RootElement.GetProperty("kernel_read").GetBoolean());
        var ban = Assert.Single(doc.RootElement.GetProperty("bans").EnumerateArray());
        Assert.Equal("203.0.113.20", ban.GetProperty("target").GetString());
        Assert.Equal("detector", ban.GetProperty("origin").GetString());
        Assert.Equal(banId.ToString("D"), ban.GetProperty("ban_id").GetString());
        Assert.Equal("trw", ban.GetProperty("detector").GetString());
        Assert.Equal("syn", ban.GetProperty("scan").GetString());
        Assert.Equal("nmap", ban.GetProperty("tool").GetString());
        Assert.Equal(1, ban.GetProperty("escalation_level").GetInt32());
        Assert.False(ban.GetProperty("in_kernel").GetBoolean());
        Assert.EndsWith("Z", ban.GetProperty("expires_at").GetString(), StringComparison.Ordinal);
        foreach (var field in (string[])["reason", "started_at", "dry_run", "kernel_set", "kernel_remaining_s", "packets_dropped"])
        {
            Assert.True(ban.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public void Bans_add_of_an_allowlisted_address_exits_4_with_the_reason_on_stderr()
    {
        var (exit, stdout, stderr) = _state.RunNoKernel("bans", "add", "192.0.2.10");

        Assert.Equal(4, exit);
        Assert.Equal("", stdout);
        Assert.Contains("192.0.2.10 is on the allowlist (192.0.2.0/24: static allowlist entry from configuration)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Bans_add_json_reports_the_ban_id_and_expiry()
    {
        var (exit, stdout, _) = _state.RunNoKernel("bans", "add", "2001:db8:1::/64", "-d", "30m", "-o", "json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("done", doc.RootElement.GetProperty("status").GetString());
        Assert.True(Guid.TryParse(doc.RootElement.GetProperty("ban_id").GetString(), out _));
        Assert.Contains(doc.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("the kernel was not touched", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_addresses_and_durations_exit_2_with_a_clear_message()
    {
        var badAddress = _state.RunNoKernel("bans", "add", "203.0.113.300");
        var badDuration = _state.RunNoKernel("bans", "add", "203.0.113.3", "--duration", "soon");
        var ipv4Block = _state.RunNoKernel("bans", "add", "203.0.0.0/16");

        Assert.Equal(2, badAddress.ExitCode);
        Assert.Contains("'203.0.113.300' is not an IPv4 or IPv6 address or CIDR block", badAddress.Err, StringComparison.Ordinal);
        Assert.Equal(2, badDuration.ExitCode);
        Assert.StartsWith("portveil: --duration:", badDuration.Err, StringComparison.Ordinal);
        Assert.Equal(2, ipv4Block.ExitCode);
        Assert.Contains("single addresses, IPv4 /24 and IPv6 /64 blocks", ipv4Block.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bans_remove_lifts_the_ban_and_a_second_remove_exits_3()
    {
        await _state.RecordScanAsync("203.0.113.21", DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(1));

        var (exit, stdout, _) = _state.RunNoKernel("bans", "remove", "203.0.113.21");
        var again = _state.RunNoKernel("bans", "remove", "203.0.113.21", "-o", "json");

        Assert.Equal(0, exit);
        Assert.Contains("Unbanned 203.0.113.21: 1 stored ban(s) ended", stdout, StringComparison.Ordinal);
        Assert.Equal(3, again.ExitCode);
        using var doc = JsonDocument.Parse(again.Out);
        Assert.Equal("not_found", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("No active bans.", _state.RunNoKernel("bans", "list").Out.Trim());
    }

    [Fact]
    public void A_broken_configuration_exits_78_and_lists_the_problem()
    {
        File.WriteAllText(_state.ConfigPath, "[policy]\nban_time = \"forever\"\n");

        var (exit, _, stderr) = _state.RunNoKernel("bans", "add", "203.0.113.4");

        Assert.Equal(78, exit);
        Assert.Contains("policy.ban_time", stderr, StringComparison.Ordinal);
    }
}
