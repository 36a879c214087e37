using System.Text.Json;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>`portveil allow list|add|remove` on the configured backend; run on SQLite by SqliteAllowCommandTests and on PostgreSQL by PostgresAllowCommandTests.</summary>
public abstract class AllowCommandTests(OperatorState state) : IDisposable
{
    private readonly OperatorState _state = state;

    protected OperatorState State => _state;

    public void Dispose()
    {
        _state.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Allow_add_lifts_a_ban_inside_the_block_and_allow_list_shows_the_entry_with_its_comment()
    {
        await _state.RecordScanAsync("198.51.100.9", DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(1));

        var (exit, stdout, _) = _state.RunNoKernel("allow", "add", "198.51.100.0/28", "--comment", "uptime monitor");
        var (listExit, list, _) = _state.Run("allow", "list");

        Assert.Equal(0, exit);
        Assert.Contains("Allowed 198.51.100.0/28; lifted 1 stored ban(s)", stdout, StringComparison.Ordinal);
        Assert.Equal(0, listExit);
        var row = Assert.Single(list.Split('\n'), l => l.Contains("198.51.100.0/28", StringComparison.Ordinal));
        Assert.Contains("operator", row, StringComparison.Ordinal);
        Assert.Contains("uptime monitor", row, StringComparison.Ordinal);
        Assert.Contains(list.Split('\n'), l => l.Contains("192.0.2.0/24", StringComparison.Ordinal) && l.Contains("static", StringComparison.Ordinal));
        Assert.Equal("No active bans.", _state.RunNoKernel("bans", "list").Out.Trim());
    }

    [Fact]
    public void Allow_list_json_names_source_reason_and_whether_remove_works()
    {
        _state.RunNoKernel("allow", "add", "2001:db8:aa::1");

        var (exit, stdout, _) = _state.Run("allow", "list", "-o", "json", "--reserved");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var entries = doc.RootElement.GetProperty("entries").EnumerateArray().ToList();
        var op = Assert.Single(entries, e => e.GetProperty("source").GetString() == "operator");
        Assert.Equal("2001:db8:aa::1", op.GetProperty("prefix").GetString());
        Assert.True(op.GetProperty("removable").GetBoolean());
        Assert.NotNull(op.GetProperty("added_at").GetString());
        var fromConfig = Assert.Single(entries, e => e.GetProperty("source").GetString() == "static");
        Assert.False(fromConfig.GetProperty("removable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, fromConfig.GetProperty("added_at").ValueKind);
        Assert.Contains(entries, e => e.GetProperty("source").GetString() == "reserved" && e.GetProperty("prefix").GetString() == "127.0.0.0/8");
    }

    [Fact]
    public void Allow_remove_removes_an_operator_entry_and_refuses_one_from_the_configuration()
    {
        _state.RunNoKernel("allow", "add", "203.0.113.99");

        var removed = _state.Run("allow", "remove", "203.0.113.99");
        var fromConfig = _state.Run("allow", "remove", "192.0.2.0/24");

        Assert.Equal(0, removed.ExitCode);
        Assert.Equal("Removed 203.0.113.99 from the allowlist.", removed.Out.Trim());
        Assert.Equal(3, fromConfig.ExitCode);
        Assert.Contains("Edit allowlist.static in the configuration file", fromConfig.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowing_every_address_is_refused_with_exit_4()
    {
        var (exit, _, stderr) = _state.RunNoKernel("allow", "add", "::/0");

        Assert.Equal(4, exit);
        Assert.Contains("would allow every IPv6 address", stderr, StringComparison.Ordinal);
    }
}
