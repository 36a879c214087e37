using System.Text.Json;
using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Backends;

/// <summary>The bans verbs on [storage] backend = "postgresql", plus what only a server can show.</summary>
[Collection(PostgresCliCollection.Name)]
public sealed class PostgresBansCommandTests(PostgresCliFixture postgres) : BansCommandTests(new OperatorState(postgres.Cluster))
{
    [Fact]
    public void A_ban_added_by_the_cli_is_a_row_in_the_server_and_no_sqlite_file_is_made()
    {
        var add = State.RunNoKernel("bans", "add", "203.0.113.7", "--duration", "2h", "--reason", "seen by the fleet");

        Assert.True(add.ExitCode == 0, add.Err);
        Assert.Equal("1|seen by the fleet", State.Sql("SELECT count(*), max(reason) FROM bans WHERE address = '203.0.113.7'"));
        Assert.False(File.Exists(State.DatabasePath));
    }

    [Fact]
    public async Task Bans_list_shows_the_bans_of_every_host_of_the_fleet_with_their_origin_host()
    {
        await RecordBansOfAsync(("203.0.113.50", "web-1"), ("203.0.113.51", "web-2"));

        var (exit, stdout, err) = State.RunNoKernel("bans", "list", "-o", "json");
        var explain = State.RunNoKernel("explain", "ban", "203.0.113.51", "-o", "json");

        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var hosts = doc.RootElement.GetProperty("bans").EnumerateArray()
            .ToDictionary(b => b.GetProperty("target").GetString()!, b => b.GetProperty("origin_host").GetString(), StringComparer.Ordinal);
        Assert.Equal("web-1", hosts["203.0.113.50"]);
        Assert.Equal("web-2", hosts["203.0.113.51"]);
        Assert.Equal(0, explain.ExitCode);
        using var e = JsonDocument.Parse(explain.Out);
        Assert.Equal("web-2", e.RootElement.GetProperty("ban").GetProperty("origin_host").GetString());
    }

    [Theory]
    [InlineData("bans", "list")]
    [InlineData("bans", "add", "203.0.113.7")]
    [InlineData("allow", "add", "198.51.100.0/24")]
    public void An_unreachable_server_is_one_line_in_the_cli_s_own_words_and_exit_1(params string[] verb)
    {
        // Port 1 on loopback (tcpmux): nothing listens there, so the connection is refused at once.
        File.WriteAllText(State.ConfigPath, "[storage]\nbackend = \"postgresql\"\npostgresql_host = \"127.0.0.1\"\npostgresql_port = 1\n");

        var r = State.RunNoKernel(verb);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Out);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("portveil: Cannot reach the PostgreSQL server of 'postgresql://portveil@127.0.0.1:1/portveil' (", line, StringComparison.Ordinal);
        Assert.Contains("Connection refused", line, StringComparison.Ordinal);
        Assert.Contains("nothing was read or changed", line, StringComparison.Ordinal);
        Assert.Contains($"the storage.postgresql_* keys in {State.ConfigPath}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("records are buffered", line, StringComparison.Ordinal);
        Assert.DoesNotContain("retries", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_and_export_on_an_unreachable_server_use_the_cli_s_own_words_too()
    {
        File.WriteAllText(State.ConfigPath, "[storage]\nbackend = \"postgresql\"\npostgresql_host = \"127.0.0.1\"\npostgresql_port = 1\n");

        var report = State.Run("report", "--output", "-");
        var export = State.Run("export", "incidents");

        foreach (var (exit, _, err) in (List<(int, string, string)>)[report, export])
        {
            Assert.Equal(1, exit);
            Assert.Contains("nothing was read or changed", err, StringComparison.Ordinal);
            Assert.DoesNotContain("records are buffered", err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_ban_added_with_fleet_host_name_set_is_stored_under_that_name()
    {
        File.AppendAllText(State.ConfigPath, "[fleet]\nhost_name = \"edge-1\"\n");

        var add = State.RunNoKernel("bans", "add", "203.0.113.8", "--reason", "named host");

        Assert.True(add.ExitCode == 0, add.Err);
        using var store = State.OpenStore();
        var ban = Assert.Single(await store.ListActiveBansAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(("203.0.113.8", "edge-1"), (ban.Ban.Target.ToString(), ban.Ban.OriginHost));
    }

    [Fact]
    public async Task Bans_list_text_has_a_host_column_naming_each_ban_s_origin_host()
    {
        await RecordBansOfAsync(("203.0.113.60", "web-1"), ("203.0.113.61", "web-2"));

        var (exit, stdout, err) = State.RunNoKernel("bans", "list");

        Assert.True(exit == 0, err);
        var lines = stdout.Split('\n');
        Assert.Contains(lines, l => l.Contains("Target", StringComparison.Ordinal) && l.Contains("Host", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("203.0.113.60", StringComparison.Ordinal) && l.Contains(" web-1 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("203.0.113.61", StringComparison.Ordinal) && l.Contains(" web-2 ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_database_that_does_not_exist_on_the_server_is_named_with_exit_1()
    {
        File.WriteAllText(State.ConfigPath, State.ConfigText.Replace($"Database={State.PostgresDatabase}", "Database=pv_absent", StringComparison.Ordinal));

        var r = State.RunNoKernel("bans", "list");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("pv_absent", r.Err, StringComparison.Ordinal);
        Assert.Contains("3D000", r.Err, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL refused the connection", r.Err, StringComparison.Ordinal);
        Assert.Contains("nothing was read or changed", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    /// <summary>Records one active ban per (address, host) through the store API, as those hosts' daemons would.</summary>
    private async Task RecordBansOfAsync(params (string Address, string Host)[] bans)
    {
        using var store = State.OpenStore();
        var now = DateTimeOffset.UtcNow;
        foreach (var (address, host) in bans)
        {
            await store.RecordBanAsync(new Storage.BanRecord
            {
                Id = Guid.CreateVersion7(),
                Target = Storage.BanTarget.ForAddress(Core.NetAddress.Parse(address)),
                Reason = "trw: 5 failures, 0 successes",
                Detector = Core.DetectorKind.Trw,
                StartedAt = now.AddMinutes(-1),
                ExpiresAt = now.AddHours(1),
                OriginHost = host,
            });
        }
    }
}
