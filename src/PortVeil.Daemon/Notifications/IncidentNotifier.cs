using System.Text.Json;
using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Notifications;

/// <summary>
/// Pushes bans, unbans and incidents to the outside as they happen: the incident log file and every webhook
/// subscribed to the event. Each call serialises once and only enqueues (no I/O, no waiting), so the ban path's
/// latency does not depend on a receiver.
/// </summary>
public sealed class IncidentNotifier : IAsyncDisposable
{
    /// <summary>Written as "schema" in every webhook body.</summary>
    public const string WebhookSchema = "portveil.webhook.v1";

    private readonly IncidentLogSink? _log;
    private readonly List<WebhookSender> _webhooks = [];
    private int _disposed;

    public IncidentNotifier(NotificationOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IncidentLog.Length > 0)
        {
            _log = new IncidentLogSink(options.IncidentLog, options.IncidentLogMaxBytes, options.IncidentLogFiles, logger);
        }

        foreach (var w in options.Webhooks)
        {
            _webhooks.Add(new WebhookSender(w, options, logger, time));
        }
    }

    /// <summary>True when there is anywhere to send to; the ban loop skips serialising otherwise.</summary>
    public bool Enabled => _log is not null || _webhooks.Count > 0;

    public IncidentLogSink? IncidentLog => _log;

    public IReadOnlyList<WebhookSender> Webhooks => _webhooks;

    /// <summary>A verdict was recorded; <paramref name="ban"/> is set when it led to a ban (dry-run ones included, flagged).</summary>
    public void OnIncident(Guid incidentId, Verdict verdict, string host, BanRecord? ban)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var line = IncidentJson.ToJsonLine(incidentId, verdict, host, ban?.Id, ban);
        _log?.TryAppend(line);
        if (!Wants(WebhookEvents.Incident))
        {
            return;
        }

        var body = Body("incident", host, w =>
        {
            w.WritePropertyName("incident");
            IncidentJson.Write(w, incidentId, verdict, host, ban?.Id, ban);
        });
        Send(WebhookEvents.Incident, "incident", body);
    }

    /// <summary>A ban went into the kernel.</summary>
    public void OnBan(BanRecord ban, Guid incidentId, Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(ban);
        ArgumentNullException.ThrowIfNull(verdict);
        if (!Wants(WebhookEvents.Ban))
        {
            return;
        }

        var body = Body("ban", ban.OriginHost, w =>
        {
            w.WritePropertyName("ban");
            IncidentJson.WriteBan(w, ban.Id, ban);
            w.WritePropertyName("incident");
            IncidentJson.Write(w, incidentId, verdict, ban.OriginHost, ban.Id, ban);
        });
        Send(WebhookEvents.Ban, "ban", body);
    }

    /// <summary>A ban was lifted before its expiry (`portveil bans remove`, the API, an allowlisting).</summary>
    public void OnUnban(Guid banId, BanTarget target, string reason, string host, DateTimeOffset at)
    {
        if (!Wants(WebhookEvents.Unban))
        {
            return;
        }

        var body = Body("unban", host, w =>
        {
            w.WriteStartObject("ban");
            w.WriteString("id", banId.ToString("D"));
            w.WriteString("target", target.ToString());
            w.WriteString("ended_at", IncidentJson.Rfc3339(at));
            w.WriteString("reason", reason);
            w.WriteEndObject();
        });
        Send(WebhookEvents.Unban, "unban", body);
    }

    private bool Wants(WebhookEvents e)
    {
        foreach (var w in _webhooks)
        {
            if ((w.Events & e) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private void Send(WebhookEvents e, string name, byte[] body)
    {
        foreach (var w in _webhooks)
        {
            if ((w.Events & e) != 0)
            {
                w.TryEnqueue(name, body);
            }
        }
    }

    private static byte[] Body(string eventName, string host, Action<Utf8JsonWriter> content)
    {
        using var buffer = new MemoryStream(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", WebhookSchema);
            w.WriteString("event", eventName);
            w.WriteString("time", IncidentJson.Rfc3339(DateTimeOffset.UtcNow));
            w.WriteString("host", host);
            content(w);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Drains and stops every sink; calling it twice is harmless.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var w in _webhooks)
        {
            await w.DisposeAsync();
        }

        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }
}
