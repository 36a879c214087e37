using System.Globalization;
using System.Text.Json;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// The real `portveil run` executable in the lab server's namespace, on a database in a directory of the test's own:
/// started, killed by PID, restarted on the same database. Disposal kills what is still running and deletes the directory.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PortveilRun : IDisposable
{
    private readonly LabTopology _lab;
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("pv-crash-");
    private readonly List<StartedProcess> _processes = [];

    public PortveilRun(LabTopology lab)
    {
        _lab = lab;
        ConfigPath = Path.Combine(_state.FullName, "portveil.toml");

        // The API on the lab server's own loopback is the readiness signal: it starts after bans are restored.
        File.WriteAllText(ConfigPath, $"[daemon]\nlog_format = \"console\"\n\n[api]\ntoken_file = \"{Path.Combine(_state.FullName, "api.token")}\"\n");
    }

    public string ConfigPath { get; }

    public string DatabasePath => Path.Combine(_state.FullName, "portveil.db");

    /// <summary>Starts `portveil run` and waits until it answers on its API (table ensured, bans restored).</summary>
    public StartedProcess Start()
    {
        var portveil = typeof(PortVeil.Cli.Program).Assembly.Location;
        var process = _lab.Server.Start("dotnet", portveil, "run", "--config", ConfigPath, "--database", DatabasePath);
        _processes.Add(process);
        if (!WaitUntil(() => process.Process.HasExited || _lab.Server.Exec("curl", "-sf", "http://127.0.0.1:9870/healthz").StdOut == "ok\n") || process.Process.HasExited)
        {
            throw new InvalidOperationException($"portveil run did not become ready: {process.StdOut}{process.StdErr}");
        }

        return process;
    }

    /// <summary>SIGKILL to exactly this process: no shutdown code runs, the writer's queue is lost with it.</summary>
    public static void Kill9(StartedProcess process)
    {
        ProcessRunner.Run("kill", "-KILL", process.Process.Id.ToString(CultureInfo.InvariantCulture)).EnsureSuccess("kill -9");
        if (!process.WaitForExit(TestTimeouts.Event))
        {
            throw new InvalidOperationException("the daemon survived kill -9");
        }
    }

    /// <summary>Addresses in the daemon's own ban sets (banned4, banned6), read with nft in the server namespace.</summary>
    public IReadOnlyList<string> KernelBans()
    {
        var list = new List<string>();
        foreach (var set in (string[])["banned4", "banned6"])
        {
            var r = _lab.Server.Exec("nft", "-j", "list", "set", "inet", "portveil", set);
            if (r.ExitCode != 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(r.StdOut);
            foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
            {
                if (item.TryGetProperty("set", out var s) && s.TryGetProperty("elem", out var elems))
                {
                    foreach (var e in elems.EnumerateArray())
                    {
                        var val = e.ValueKind == JsonValueKind.String ? e : e.GetProperty("elem").GetProperty("val");
                        list.Add(val.GetString()!);
                    }
                }
            }
        }

        return list;
    }

    /// <summary>Incidents committed to the database now (read by a connection of the test's own; WAL lets it read beside the writer).</summary>
    public async Task<IReadOnlySet<Guid>> CommittedIncidentsAsync()
    {
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = DatabasePath });
        var incidents = await store.ListIncidentsAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), 100_000);
        return incidents.Select(i => i.Id).ToHashSet();
    }

    public static bool WaitUntil(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event + TestTimeouts.Event; DateTime.UtcNow < deadline; Thread.Sleep(50))
        {
            if (condition())
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _state.Delete(recursive: true);
    }
}
