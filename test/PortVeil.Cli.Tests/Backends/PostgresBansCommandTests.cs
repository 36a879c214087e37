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
        using (var store = State.OpenStore())
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var (address, host) in (List<(string, string)>)[("203.0.113.50", "web-1"), ("203.0.113.51", "web-2")])
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

    [Fact]
    public void An_unreachable_server_is_one_clear_line_and_exit_1()
    {
        File.WriteAllText(State.ConfigPath, "[storage]\nbackend = \"postgresql\"\npostgresql_host = \"127.0.0.1\"\npostgresql_port = 1\n");

        var r = State.RunNoKernel("bans", "list");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Cannot reach the PostgreSQL server of 'postgresql://portveil@127.0.0.1:1/portveil'", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_that_does_not_exist_on_the_server_is_named_with_exit_1()
    {
        File.WriteAllText(State.ConfigPath, State.ConfigText.Replace($"Database={State.PostgresDatabase}", "Database=pv_absent", StringComparison.Ordinal));

        var r = State.RunNoKernel("bans", "list");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("pv_absent", r.Err, StringComparison.Ordinal);
        Assert.Contains("3D000", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }
}
