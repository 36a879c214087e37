using System.CommandLine;
using PortVeil.Cli;

namespace PortVeil.IntegrationTests.Cli;

/// <summary>
/// Runs the real `portveil` command tree in-process against a temp database and config (allowlist discovery off so
/// results do not depend on this machine), acting on the kernel table of the given lab namespace via --netns.
/// </summary>
internal sealed class CliRun : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("portveil-cli-it-");

    public CliRun(string netns, string? databasePath = null)
    {
        Netns = netns;
        DatabasePath = databasePath ?? Path.Combine(_dir.FullName, "portveil.db");
        ConfigPath = Path.Combine(_dir.FullName, "portveil.toml");
        File.WriteAllText(ConfigPath, "[policy]\nallow_gateway = false\nallow_resolvers = false\nallow_admin_ssh = false\n");
    }

    public string Netns { get; }

    public string DatabasePath { get; }

    public string ConfigPath { get; }

    public (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] all = [.. args, "--config", ConfigPath, "--database", DatabasePath, "--netns", Netns];
        var exit = Program.BuildRoot().Parse(all).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
