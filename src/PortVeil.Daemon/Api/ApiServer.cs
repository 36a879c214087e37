using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Metrics;

namespace PortVeil.Daemon.Api;

/// <summary>
/// The daemon's HTTP API, dashboard and /metrics: an ASP.NET Core minimal API on Kestrel, started and stopped by
/// <see cref="PortVeilDaemon"/> (tests start it the same way, on 127.0.0.1 port 0). Endpoints are in
/// ApiServer.Endpoints.cs, the security rules in <see cref="ApiGuard"/>, docs/api.md describes both.
/// </summary>
public sealed partial class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ApiOptions _options;
    private readonly ApiContext _context;
    private readonly PrometheusExporter _exporter;
    private int _disposed;

    private ApiServer(WebApplication app, ApiOptions options, ApiContext context, PrometheusExporter exporter)
    {
        _app = app;
        _options = options;
        _context = context;
        _exporter = exporter;
    }

    /// <summary>Where the server listens once started ("http://127.0.0.1:9870/").</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public ApiContext Context => _context;

    /// <exception cref="InvalidOperationException">The options are unusable (the message lists every problem).</exception>
    public static ApiServer Create(ApiOptions options, ApiToken token, ApiContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(context);
        var problems = options.Problems();
        if (problems.Count > 0 || !ApiListenAddress.TryParse(options.Listen, out var endpoint, out _))
        {
            throw new InvalidOperationException("[api]: " + string.Join("; ", problems));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "PortVeil.Api",
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, ApiHostLifetime>();
        // Live (server-sent events) connections are cancelled on stop; 5 s bounds the rest.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            // 16 KiB of headers: a bearer token and a browser's usual headers fit ten times over.
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Limits.MaxRequestLineSize = 4 * 1024;
            k.Limits.MaxConcurrentConnections = 64;
            k.Listen(endpoint);
        });
        // ASPNETCORE_URLS and friends must not move a loopback-only API elsewhere.
        builder.WebHost.UseSetting(WebHostDefaults.PreferHostingUrlsKey, "false");

        var app = builder.Build();
        var exporter = new PrometheusExporter(context.Metrics.Meter, context.Metrics.RefreshSnapshot);
        var server = new ApiServer(app, options, context, exporter);
        var guard = new ApiGuard(options, token, IPAddress.IsLoopback(endpoint.Address));
        app.Use(guard.InvokeAsync);
        server.MapEndpoints(app);
        return server;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        var first = addresses?.Addresses.FirstOrDefault();
        if (first is not null)
        {
            BaseAddress = new Uri(first.EndsWith('/') ? first : first + "/");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
            _exporter.Dispose();
        }
    }
}
