using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PortVeil.Daemon.Dashboard;
using PortVeil.Daemon.Metrics;
using PortVeil.Daemon.Options.Types;

namespace PortVeil.Daemon.Api;

public sealed partial class ApiServer
{
    /// <summary>At most this many rows per list request; `limit` asks for fewer.</summary>
    internal const int MaxBans = 5000;

    internal const int MaxIncidents = 10_000;

    /// <summary>A comment line every 15 s keeps idle live connections open through proxies and lets a gone client be noticed.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", static (HttpContext c) => c.Response.WriteAsync("ok\n"));
        app.MapGet("/", DashboardAsync);
        app.MapGet("/dashboard", DashboardAsync);
        app.MapGet("/metrics", MetricsAsync);
        app.MapGet("/api/v1/stats", StatsAsync);
        app.MapGet("/api/v1/bans", BansAsync);
        app.MapGet("/api/v1/incidents", IncidentsAsync);
        app.MapGet("/api/v1/live", LiveAsync);
        app.MapGet("/api/v1/explain/{address}", ExplainAsync);
        MapActions(app);
    }

    /// <summary>The actions (unban, allow), in ApiServer.Actions.cs.</summary>
    partial void MapActions(IEndpointRouteBuilder app);

    private static Task DashboardAsync(HttpContext context)
    {
        // The page holds no data (it fetches everything with the token), so it is served without one. Its
        // script and style are inline; nothing may load from elsewhere, and it may only call this server.
        context.Response.Headers.ContentSecurityPolicy =
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.Body.WriteAsync(DashboardPage.Html, context.RequestAborted).AsTask();
    }

    private Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = PrometheusExporter.ContentType;
        return context.Response.WriteAsync(_exporter.Collect(), context.RequestAborted);
    }

    private Task StatsAsync(HttpContext context)
    {
        var status = _context.Status();
        return context.Response.WriteAsJsonAsync(new StatsView(status, _context.Feed.Clients), ApiJson.Options, context.RequestAborted);
    }

    private async Task BansAsync(HttpContext context)
    {
        if (!TryLimit(context, 500, MaxBans, out var limit, out var error))
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var now = _context.Time.GetUtcNow();
        var active = await _context.Bans.ListActiveBansAsync(now, context.RequestAborted);
        var views = new List<BanView>(Math.Min(limit, active.Count));
        // Newest first: the dashboard and `curl | head` want the latest bans.
        for (var i = active.Count - 1; i >= 0 && views.Count < limit; i--)
        {
            var incidents = await _context.Incidents.ListIncidentsByBanAsync(active[i].Ban.Id, context.RequestAborted);
            views.Add(BanView.From(active[i], incidents, now));
        }

        await context.Response.WriteAsJsonAsync(new BanList(active.Count, views.Count < active.Count, views), ApiJson.Options, context.RequestAborted);
    }

    private async Task IncidentsAsync(HttpContext context)
    {
        var now = _context.Time.GetUtcNow();
        if (!TryTime(context, "since", now, now - TimeSpan.FromHours(24), out var since, out var error)
            || !TryTime(context, "until", now, now + TimeSpan.FromMinutes(1), out var until, out error)
            || !TryLimit(context, 1000, MaxIncidents, out var limit, out error))
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var stored = await _context.Incidents.ListIncidentsAsync(since, until, limit, context.RequestAborted);
        var views = new List<IncidentView>(stored.Count);
        foreach (var s in stored)
        {
            views.Add(IncidentView.From(s));
        }

        await context.Response.WriteAsJsonAsync(new IncidentList(since, until, views.Count, views), ApiJson.Options, context.RequestAborted);
    }

    private async Task LiveAsync(HttpContext context)
    {
        var reader = _context.Feed.Subscribe();
        if (reader is null)
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"Too many live connections ({_options.MaxLiveClients}); close a dashboard tab or raise [api] max_live_clients.");
            return;
        }

        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var token = linked.Token;
        try
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            await context.Response.WriteAsync(": portveil live feed\nretry: 3000\n\n", token);
            await context.Response.Body.FlushAsync(token);
            while (!token.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(token);
                beat.CancelAfter(Heartbeat);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": heartbeat\n\n", token);
                    await context.Response.Body.FlushAsync(token);
                    continue;
                }

                if (!more)
                {
                    break;
                }

                var text = new StringBuilder();
                while (reader.TryRead(out var message))
                {
                    // JSON from System.Text.Json has no raw newlines, so one data: line per event is exact.
                    text.Append("event: ").Append(message.Type).Append("\ndata: ").Append(message.Json).Append("\n\n");
                }

                await context.Response.WriteAsync(text.ToString(), token);
                await context.Response.Body.FlushAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client left or the daemon stops.
        }
        finally
        {
            _context.Feed.Unsubscribe(reader);
        }
    }

    /// <summary>Reads a JSON action body; on failure the response (400 or 413, with the reason) is already written.</summary>
    private async Task<T?> ReadBodyAsync<T>(HttpContext context)
        where T : class
    {
        if (context.Request.ContentLength > _options.MaxRequestBodyBytes)
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"The body is {context.Request.ContentLength} bytes; actions take at most {_options.MaxRequestBodyBytes}.");
            return null;
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, ApiJson.Options, context.RequestAborted);
            if (body is null)
            {
                await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest, "The body is JSON null; expected an object.");
            }

            return body;
        }
        catch (JsonException e)
        {
            await ApiGuard.RefuseAsync(context, StatusCodes.Status400BadRequest, "Malformed JSON body: " + e.Message);
            return null;
        }
        catch (BadHttpRequestException e)
        {
            await ApiGuard.RefuseAsync(context, e.StatusCode,
                e.StatusCode == StatusCodes.Status413PayloadTooLarge ? $"The body is larger than {_options.MaxRequestBodyBytes} bytes." : e.Message);
            return null;
        }
    }

    private static bool TryLimit(HttpContext context, int fallback, int max, out int limit, out string error)
    {
        error = "";
        limit = fallback;
        var text = context.Request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > max)
        {
            error = $"limit \"{text}\" is not a whole number 1..{max}.";
            return false;
        }

        return true;
    }

    /// <summary>"since=2h" (that long before now) or "since=2026-11-25T18:00:00Z".</summary>
    private static bool TryTime(HttpContext context, string name, DateTimeOffset now, DateTimeOffset fallback, out DateTimeOffset value, out string error)
    {
        error = "";
        value = fallback;
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (DurationType.TryParseText(text, out var ago, out _))
        {
            value = now - ago;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        error = $"{name} \"{text}\" is neither a duration (\"30m\", \"24h\", \"7d\") nor a timestamp (\"2026-11-25T18:00:00Z\").";
        return false;
    }
}
