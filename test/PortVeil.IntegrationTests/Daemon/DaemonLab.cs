using PortVeil.Daemon;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// A lab (server, scanners, clients in their own namespaces) with a real PortVeil daemon protecting the server
/// namespace: real NFLOG, real nftables, real SQLite. Everything is removed in Dispose.
/// </summary>
internal sealed class DaemonLab : IAsyncDisposable
{
    private readonly List<LabTcpListener> _listeners = [];

    public DaemonLab(int scanners = 1, int clients = 1, params int[] servedPorts)
        : this(LabTopology.Builder().WithScanners(scanners).WithClients(clients), servedPorts)
    {
    }

    public DaemonLab(LabTopologyBuilder topology, params int[] servedPorts)
    {
        Lab = topology.Build();
        try
        {
            foreach (var port in servedPorts)
            {
                _listeners.Add(LabTcpListener.Start(Lab.Server, port));
            }

            StateDirectory = Path.Combine(Path.GetTempPath(), $"pv-daemon-{Guid.NewGuid():N}");
            Directory.CreateDirectory(StateDirectory);
        }
        catch
        {
            Lab.Dispose();
            throw;
        }
    }

    public LabTopology Lab { get; }

    public string StateDirectory { get; }

    public string DatabasePath => Path.Combine(StateDirectory, "portveil.db");

    public PortVeilDaemon? Daemon { get; private set; }

    public DaemonStages Stages(bool dryRun = false, PortVeil.Daemon.Api.ApiOptions? api = null, string? databasePath = null, PortVeil.Storage.EventWriterOptions? writer = null) => new()
    {
        Api = api,
        NetworkNamespacePath = Path.Combine("/var/run/netns", Lab.Server.Name),
        Storage = new SqliteStoreOptions { Path = databasePath ?? DatabasePath },
        Writer = writer ?? new PortVeil.Storage.EventWriterOptions(),
        Policy = new PolicyOptions { DryRun = dryRun },
        HostName = "lab-server",
    };

    public async Task<PortVeilDaemon> StartAsync(DaemonStages? stages = null, Microsoft.Extensions.Logging.ILogger<PortVeilDaemon>? logger = null)
    {
        Daemon = new PortVeilDaemon(stages ?? Stages(), logger);
        await Daemon.StartAsync(CancellationToken.None);
        return Daemon;
    }

    public async Task StopAsync()
    {
        if (Daemon is not null)
        {
            await Daemon.DisposeAsync();
            Daemon = null;
        }
    }

    /// <summary>Addresses currently in the kernel's ban sets (daemon and reflex; not restrictions), read back from the server namespace.</summary>
    public async Task<IReadOnlyList<string>> KernelBansAsync()
    {
        var bans = await Daemon!.Enforcer!.ListAsync();
        return [.. bans.Where(b => !b.Restricted).Select(b => b.Source.ToString())];
    }

    /// <summary>Addresses currently in the kernel's suspect sets (decoy-cohort restrictions).</summary>
    public async Task<IReadOnlyList<string>> KernelSuspectsAsync()
    {
        var bans = await Daemon!.Enforcer!.ListAsync();
        return [.. bans.Where(b => b.Restricted).Select(b => b.Source.ToString())];
    }

    /// <summary>Polls the full-ban sets until <paramref name="address"/> is in them or <see cref="TestTimeouts.Event"/> passes.</summary>
    public async Task<IReadOnlyList<string>> WaitForBanAsync(string address)
    {
        IReadOnlyList<string> bans = [];
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            bans = await KernelBansAsync();
            if (bans.Contains(address))
            {
                break;
            }
        }

        return bans;
    }

    /// <summary>Polls the suspect sets until every address is in them or <see cref="TestTimeouts.Event"/> passes.</summary>
    public async Task<IReadOnlyList<string>> WaitForSuspectsAsync(IReadOnlyList<string> addresses)
    {
        IReadOnlyList<string> suspects = [];
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            suspects = await KernelSuspectsAsync();
            if (addresses.All(suspects.Contains))
            {
                break;
            }
        }

        return suspects;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var l in _listeners)
        {
            l.Dispose();
        }

        Lab.Dispose();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }
}
