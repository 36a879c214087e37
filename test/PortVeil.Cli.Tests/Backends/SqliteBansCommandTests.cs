using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Backends;

/// <summary>The bans verbs on SQLite, plus what only a database file can show.</summary>
public sealed class SqliteBansCommandTests() : BansCommandTests(new OperatorState())
{
    [Fact]
    public void Bans_list_without_a_database_exits_3_and_never_creates_one()
    {
        var (exit, _, stderr) = State.RunNoKernel("bans", "list");

        Assert.Equal(3, exit);
        Assert.Contains("there is no PortVeil database at " + State.DatabasePath, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(State.DatabasePath));
    }

    [Fact]
    public void A_corrupt_database_gives_one_clear_line_and_exit_1_not_a_stack_trace()
    {
        File.WriteAllBytes(State.DatabasePath, [.. Enumerable.Repeat((byte)0x5A, 8192)]);

        var (exit, stdout, stderr) = State.RunNoKernel("bans", "list");

        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("portveil: ", stderr, StringComparison.Ordinal);
        Assert.Contains(State.DatabasePath, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_database_option_uses_that_sqlite_file_even_when_the_configuration_selects_postgresql()
    {
        // A configuration whose PostgreSQL cannot be reached: only --database lets the verbs work.
        File.WriteAllText(State.ConfigPath, "[storage]\nbackend = \"postgresql\"\npostgresql_host = \"127.0.0.1\"\npostgresql_port = 1\n");

        var add = State.RunNoKernel("bans", "add", "203.0.113.9", "--reason", "from a copy", "--database", State.DatabasePath);
        var list = State.RunNoKernel("bans", "list", "--database", State.DatabasePath);
        var configured = State.RunNoKernel("bans", "list");

        Assert.True(add.ExitCode == 0, add.Err);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.Out.Split('\n'), l => l.Contains("203.0.113.9", StringComparison.Ordinal) && l.Contains("from a copy", StringComparison.Ordinal));
        Assert.Equal(1, configured.ExitCode);
        Assert.Contains("Cannot reach the PostgreSQL server", configured.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Bans_list_text_on_sqlite_has_no_host_column_one_file_is_one_host()
    {
        var add = State.RunNoKernel("bans", "add", "203.0.113.10", "--reason", "single host");

        var (exit, stdout, err) = State.RunNoKernel("bans", "list");

        Assert.True(add.ExitCode == 0, add.Err);
        Assert.True(exit == 0, err);
        var header = Assert.Single(stdout.Split('\n'), l => l.Contains("Target", StringComparison.Ordinal));
        Assert.Contains("Origin", header, StringComparison.Ordinal);
        Assert.DoesNotContain("Host", header, StringComparison.Ordinal);
    }
}
