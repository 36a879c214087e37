namespace PortVeil.Cli.Tests.Commands;

/// <summary>`portveil explain rules` reads the kernel alone (with the kernel: IntegrationTests' OperatorCliKernelTests).</summary>
public sealed class ExplainRulesTests : IDisposable
{
    private readonly OperatorState _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public void Explain_rules_opens_no_database_so_an_unreachable_one_does_not_matter_and_none_is_created()
    {
        File.WriteAllText(_state.ConfigPath, "[storage]\nbackend = \"postgresql\"\npostgresql_host = \"127.0.0.1\"\npostgresql_port = 1\n");

        var onPostgres = _state.RunNoKernel("explain", "rules");
        File.WriteAllText(_state.ConfigPath, _state.ConfigText);
        var onSqlite = _state.RunNoKernel("explain", "rules");

        foreach (var (exit, stdout, stderr) in (List<(int, string, string)>)[onPostgres, onSqlite])
        {
            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.StartsWith("portveil: explain rules reads the kernel table, and --no-kernel was given.", stderr, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(_state.DatabasePath));
    }

    [Fact]
    public void Explain_rules_accepts_the_common_database_option_and_still_creates_no_database()
    {
        var (exit, _, stderr) = _state.RunNoKernel("explain", "rules", "--database", _state.DatabasePath);

        Assert.Equal(1, exit);
        Assert.StartsWith("portveil: explain rules reads the kernel table, and --no-kernel was given.", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_state.DatabasePath));
    }
}
