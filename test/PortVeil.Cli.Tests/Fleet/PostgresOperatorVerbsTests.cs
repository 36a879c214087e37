using PortVeil.TestSupport;

namespace PortVeil.Cli.Tests.Fleet;

/// <summary>The operator verbs unchanged on [storage] backend = "postgresql", against a throwaway cluster.</summary>
public sealed class PostgresOperatorVerbsTests : IDisposable
{
    private readonly PostgresCluster _cluster = PostgresCluster.Start();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("portveil-cli-pg-");
    private readonly string _config;

    public PostgresOperatorVerbsTests()
    {
        var database = _cluster.CreateDatabase("pvcli");
        _config = Path.Combine(_dir.FullName, "portveil.toml");
        File.WriteAllText(_config, $"""
            [policy]
            allow = ["192.0.2.0/24"]
            allow_gateway = false
            allow_resolvers = false
            allow_admin_ssh = false
            [storage]
            backend = "postgresql"
            postgresql_connection = "{_cluster.ConnectionString(database)}"
            """);
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public void Bans_and_allow_verbs_store_and_list_in_postgresql()
    {
        var add = Run("bans", "add", "203.0.113.7", "--duration", "2h", "--reason", "seen by the fleet", "--no-kernel");
        Assert.Equal(0, add.ExitCode);
        Assert.Contains("Banned 203.0.113.7 for 2h", add.Out, StringComparison.Ordinal);

        var allowAdd = Run("allow", "add", "198.51.100.0/28", "--comment", "uptime monitor", "--no-kernel");
        Assert.Equal(0, allowAdd.ExitCode);

        var bans = Run("bans", "list", "--no-kernel");
        Assert.Equal(0, bans.ExitCode);
        var row = Assert.Single(bans.Out.Split('\n'), l => l.Contains("203.0.113.7", StringComparison.Ordinal));
        Assert.Contains("seen by the fleet", row, StringComparison.Ordinal);

        var allow = Run("allow", "list");
        Assert.Equal(0, allow.ExitCode);
        Assert.Contains("198.51.100.0/28", allow.Out, StringComparison.Ordinal);
        Assert.Contains("uptime monitor", allow.Out, StringComparison.Ordinal);

        // A second, separate process sees the same rows: they are in the server, not in a file of this host.
        Assert.Equal("1", _cluster.Sql(_cluster.Sql("postgres", "SELECT datname FROM pg_database WHERE datname LIKE 'pvcli%'"), "SELECT count(*) FROM bans WHERE address = '203.0.113.7'"));
    }

    [Fact]
    public void An_unreachable_server_is_one_clear_line_and_exit_1()
    {
        File.WriteAllText(_config, """
            [storage]
            backend = "postgresql"
            postgresql_host = "127.0.0.1"
            postgresql_port = 1
            """);

        var r = Run("bans", "list", "--no-kernel");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Cannot reach the PostgreSQL server of 'postgresql://portveil@127.0.0.1:1/portveil'", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    private (int ExitCode, string Out, string Err) Run(params string[] args) => Commands.CliRunner.Run([.. args, "--config", _config]);
}
