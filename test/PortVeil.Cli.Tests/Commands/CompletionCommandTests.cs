using PortVeil.TestSupport;

namespace PortVeil.Cli.Tests.Commands;

public sealed class CompletionCommandTests
{
    [Theory]
    [InlineData("bans li", 7, "list")]
    [InlineData("explain ", 8, "rules")]
    [InlineData("bans add 203.0.113.7 --dur", 26, "--duration")]
    public void The_suggest_directive_completes_verbs_and_options(string line, int position, string expected)
    {
        var (exit, stdout, _) = CliRunner.Run($"[suggest:{position}]", line);

        Assert.Equal(0, exit);
        Assert.Contains(expected, stdout.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void Completion_bash_prints_a_script_that_completes_through_the_suggest_directive()
    {
        var (exit, stdout, _) = CliRunner.Run("completion", "bash");

        Assert.Equal(0, exit);
        Assert.Contains("complete -o default -F _portveil_complete portveil", stdout, StringComparison.Ordinal);
        Assert.Contains("\"[suggest:${position}]\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Completion_bash_script_run_by_bash_completes_a_partial_verb()
    {
        var binDir = AppContext.BaseDirectory;
        Assert.True(File.Exists(Path.Combine(binDir, "portveil")), "the portveil apphost is copied next to the tests");
        var script = CliRunner.Run("completion", "bash").Out;
        var probe = script + """
            COMP_LINE="portveil allow re"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(portveil allow re); COMP_CWORD=2
            _portveil_complete
            echo "reply:${COMPREPLY[*]}"
            """;

        var result = ProcessRunner.Run("bash", ["--norc", "-c", $"export PATH=\"{binDir}:$PATH\"; {probe}"], TestTimeouts.Command);

        Assert.Contains("reply:remove", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Completion_zsh_prints_a_compdef_script_and_other_shells_are_refused()
    {
        var zsh = CliRunner.Run("completion", "zsh");
        var fish = CliRunner.Run("completion", "fish");

        Assert.Equal(0, zsh.ExitCode);
        Assert.StartsWith("#compdef portveil", zsh.Out, StringComparison.Ordinal);
        Assert.Contains("compdef _portveil portveil", zsh.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, fish.ExitCode);
    }
}
