using System.Net.Http.Headers;
using PortVeil.Core;
using PortVeil.Daemon.Api;
using PortVeil.Daemon.Metrics;
using PortVeil.Daemon.Operations;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Api;

/// <summary>
/// The real API server on real Kestrel (127.0.0.1, a free port) over a real SQLite database in a temp directory.
/// No daemon: the status the API reports is whatever the test sets in <see cref="Status"/>.
/// </summary>
internal sealed class TestApi : IAsyncDisposable
{
    private TestApi(string directory, SqliteStore store, ApiServer server, ApiToken token, PortVeilMetrics metrics, LiveFeed feed)
    {
        Directory = directory;
        Store = store;
        Server = server;
        Token = token;
        Metrics = metrics;
        Feed = feed;
        Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Authorized = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
    }

    public string Directory { get; }

    public SqliteStore Store { get; }

    public ApiServer Server { get; }

    public ApiToken Token { get; }

    public PortVeilMetrics Metrics { get; }

    public LiveFeed Feed { get; }

    /// <summary>No token.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends the right bearer token.</summary>
    public HttpClient Authorized { get; }

    public DaemonStatus Status { get; set; } = new() { StartedAt = DateTimeOffset.UtcNow };

    /// <summary>
    /// Starts the API; its actions are real <see cref="OperatorActions"/> over the same database with no kernel
    /// (storage only, as the CLI runs without a daemon), and <paramref name="allow"/> as the static allowlist.
    /// </summary>
    public static async Task<TestApi> StartAsync(Action<ApiOptions>? configure = null, params string[] allow)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"pv-api-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var store = SqliteStore.Open(new SqliteStoreOptions { Path = Path.Combine(directory, "portveil.db") });
        var options = new ApiOptions { Listen = "127.0.0.1:0", TokenFile = Path.Combine(directory, "api.token") };
        configure?.Invoke(options);
        var token = ApiToken.LoadOrCreate(options.TokenFile);
        var metrics = new PortVeilMetrics();
        var feed = new LiveFeed(options.MaxLiveClients);
        TestApi? api = null;
        var server = ApiServer.Create(options, token, new ApiContext
        {
            Bans = store,
            Incidents = store,
            Status = () => api!.Status,
            Feed = feed,
            Metrics = metrics,
            Actions = new OperatorActions(store, kernel: null,
                new LiveAllowlist(AllowlistIndex.Create([.. allow.Select(a => new AllowlistEntry(NetPrefix.Parse(a), AllowlistSource.Static, "test allowlist"))])),
                hostName: "test-host"),
        });
        metrics.Observe(() => api!.Status);
        await server.StartAsync();
        api = new TestApi(directory, store, server, token, metrics, feed);
        return api;
    }

    /// <summary>Stores the sample ban of <paramref name="source"/> and the incident behind it, as the daemon's ban loop would.</summary>
    public async Task<BanRecord> StoreBanAsync(string source, DateTimeOffset at, ushort[] probed, ushort[] open, TimeSpan? duration = null)
    {
        var address = NetAddress.Parse(source);
        var ban = Some.Ban(address, at, duration ?? TimeSpan.FromHours(1)) with { OriginHost = "test-host" };
        await Store.RecordBanAsync(ban);
        await Store.RecordIncidentAsync(Some.Incident(Some.Verdict(address, at, Some.Evidence(at, probed, open)), ban.Id) with { OriginHost = "test-host" });
        return ban;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Authorized.Dispose();
        await Server.DisposeAsync();
        Metrics.Dispose();
        Store.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }
}
