using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>
/// A temp state directory with a real SQLite database and a configuration file (192.0.2.0/24 allowlisted, gateway,
/// resolver and SSH discovery off so results do not depend on the machine), and helpers to run operator verbs on
/// them. The verbs run with --no-kernel: the kernel parts are tested in namespaces (IntegrationTests).
/// </summary>
public sealed class OperatorState : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("portveil-cli-operator-");

    public OperatorState()
    {
        DatabasePath = Path.Combine(_dir.FullName, "portveil.db");
        ConfigPath = Path.Combine(_dir.FullName, "portveil.toml");
        File.WriteAllText(ConfigPath, "[policy]\nallow = [\"192.0.2.0/24\"]\nallow_gateway = false\nallow_resolvers = false\nallow_admin_ssh = false\n");
    }

    public string DatabasePath { get; }

    public string ConfigPath { get; }

    /// <summary>Runs `portveil VERB… --config … --database … [--no-kernel]`.</summary>
    public (int ExitCode, string Out, string Err) Run(params string[] args) => CliRunner.Run([.. args, "--config", ConfigPath, "--database", DatabasePath]);

    public (int ExitCode, string Out, string Err) RunNoKernel(params string[] args) => Run([.. args, "--no-kernel"]);

    public SqliteStore OpenStore() => SqliteStore.Open(new SqliteStoreOptions { Path = DatabasePath });

    /// <summary>Records the sample nmap SYN scan incident and the ban it led to, as the daemon would.</summary>
    public async Task<Guid> RecordScanAsync(string source, DateTimeOffset decided, TimeSpan banFor)
    {
        using var store = OpenStore();
        var address = NetAddress.Parse(source);
        var ban = Some.Ban(address, decided, banFor, level: 1);
        await store.RecordBanAsync(ban);
        await store.RecordIncidentAsync(Some.Incident(address, decided, ban.Id));
        return ban.Id;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
