using PortVeil.Daemon;
using PortVeil.Daemon.Pipeline;
using PortVeil.Enforcement.Nftables;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Protections;

/// <summary>
/// The real PortVeil daemon (NFLOG, engine, policy, nftables, SQLite) protecting the lab server's namespace, in
/// this process, as the integration tests start it. Defaults everywhere except first-contact gating.
/// </summary>
internal sealed class PortVeilProtection : IProtection
{
    private readonly PortVeilDaemon _daemon;
    private readonly string _stateDirectory;
    private readonly string _databasePath;
    private readonly DateTimeOffset _started;
    private readonly LabHost _server;

    // PORTVEIL_EFF_DIAG=DIR (diagnostics): a server-side pcap of the run and a copy of the daemon's database, kept in DIR.
    private string? _diagName;
    private PortVeil.TestSupport.StartedProcess? _tcpdump;

    private PortVeilProtection(ProtectionKind kind, PortVeilDaemon daemon, string stateDirectory, string databasePath, LabHost server)
    {
        _server = server;
        Kind = kind;
        _daemon = daemon;
        _stateDirectory = stateDirectory;
        _databasePath = databasePath;
        _started = DateTimeOffset.UtcNow;
    }

    public ProtectionKind Kind { get; }

    public static async Task<PortVeilProtection> StartAsync(LabTopology lab, bool gating, bool gateUdp = true)
    {
        var stateDirectory = Path.Combine(Path.GetTempPath(), $"pv-eff-{Guid.NewGuid():N}");
        Directory.CreateDirectory(stateDirectory);
        var databasePath = Path.Combine(stateDirectory, "portveil.db");
        var stages = new DaemonStages
        {
            NetworkNamespacePath = Path.Combine("/var/run/netns", lab.Server.Name),
            Storage = new SqliteStoreOptions { Path = databasePath },
            Enforcer = new NftEnforcerOptions { Ruleset = new PortVeilRulesetOptions { FirstContactGating = gating, GateUdp = gateUdp } },
            HostName = "effectiveness-server",
        };
        // PORTVEIL_EFF_ALLOW=CIDR: one more static allowlist entry. An address of the scanners' /24 (198.51.100.250/32)
        // rules out /24 bans, so every distributed member must be banned on its own (spread over many networks).
        var extraAllow = Environment.GetEnvironmentVariable("PORTVEIL_EFF_ALLOW");
        if (!string.IsNullOrEmpty(extraAllow))
        {
            stages.Allowlist.Static.Add(extraAllow);
        }

        var daemon = new PortVeilDaemon(stages);
        try
        {
            await daemon.StartAsync(CancellationToken.None);
        }
        catch
        {
            await daemon.DisposeAsync();
            Directory.Delete(stateDirectory, recursive: true);
            throw;
        }

        var p = new PortVeilProtection(!gating ? ProtectionKind.PortVeilNoGating : gateUdp ? ProtectionKind.PortVeilGating : ProtectionKind.PortVeilGatingNoUdp, daemon, stateDirectory, databasePath, lab.Server);
        var diag = Environment.GetEnvironmentVariable("PORTVEIL_EFF_DIAG");
        if (!string.IsNullOrEmpty(diag))
        {
            Directory.CreateDirectory(diag);
            p._diagName = Path.Combine(diag, $"{(gating ? "g" : "ng")}-{DateTime.UtcNow:HHmmss}");
            p._tcpdump = lab.Server.Start("tcpdump", "-i", "any", "-n", "-U", "-s", "128", "-w", p._diagName + ".pcap");
        }

        return p;
    }

    public async Task<IReadOnlyList<string>> BannedAsync()
    {
        var bans = await _daemon.Enforcer!.ListAsync();
        return [.. bans.Where(b => !b.Restricted).Select(b => b.Source.ToString())];
    }

    public async Task<IReadOnlyList<string>> RestrictedAsync()
    {
        var bans = await _daemon.Enforcer!.ListAsync();
        return [.. bans.Where(b => b.Restricted).Select(b => b.Source.ToString())];
    }

    /// <summary>The kernel's @served set (what served-port discovery put there), read with nft inside the lab server.</summary>
    public Task<IReadOnlyList<string>> ServedAsync()
    {
        var table = new PortVeilRulesetOptions().Table;
        var listed = _server.Exec("nft", "list", "set", "inet", table, PortVeilRuleset.Served);
        var text = listed.StdOut;
        var open = text.IndexOf('{', text.IndexOf("elements", StringComparison.Ordinal) + 1);
        var close = open < 0 ? -1 : text.IndexOf('}', open);
        IReadOnlyList<string> served = close < 0 ? [] :
            [.. text[(open + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(e => e.Replace(" . ", "/", StringComparison.Ordinal))];
        return Task.FromResult(served);
    }

    public async Task<IReadOnlyDictionary<string, BanEvidence>> EvidenceAsync()
    {
        await _daemon.Writer!.FlushAsync();
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = _databasePath });
        var incidents = await store.ListIncidentsAsync(_started.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        var evidence = new Dictionary<string, BanEvidence>();

        // The earliest verdict per source is the one that banned it (later ones renew or escalate).
        foreach (var incident in incidents.OrderBy(i => i.Verdict.DecidedAtNs))
        {
            var source = incident.Verdict.Source.ToString();
            if (!evidence.ContainsKey(source))
            {
                var e = incident.Verdict.Evidence;
                var seconds = (incident.Verdict.DecidedAtNs - e.FirstSeenNs) / 1e9;
                evidence[source] = new BanEvidence(e.Probes, seconds, incident.Verdict.Detector.ToString());
            }
        }

        return evidence;
    }

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        if (_diagName is not null)
        {
            File.Copy(_databasePath, _diagName + ".db", overwrite: true);
            if (File.Exists(_databasePath + "-wal"))
            {
                File.Copy(_databasePath + "-wal", _diagName + ".db-wal", overwrite: true);
            }

            _tcpdump?.Dispose();
        }

        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory: best effort.
        }
    }
}
