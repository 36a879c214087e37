using System.Globalization;
using System.Text;
using System.Text.Json;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Notifications;

/// <summary>
/// One incident as one JSON object on one line: the format of `portveil export incidents`, of the daemon's
/// incident log ([notifications] incident_log) and of webhook "incident" payloads. Field names are stable
/// (docs/integrations.md lists them); new fields may be added, none is renamed or removed. Times are RFC 3339 UTC
/// with microseconds.
/// </summary>
internal static class IncidentJson
{
    /// <summary>Written as "schema" in every object, so a consumer can tell versions apart.</summary>
    public const string Schema = "portveil.incident.v1";

    public static string ToJsonLine(Guid incidentId, Verdict verdict, string host, Guid? banId, BanRecord? ban)
    {
        using var buffer = new MemoryStream(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, incidentId, verdict, host, banId, ban);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void Write(Utf8JsonWriter w, Guid incidentId, Verdict verdict, string host, Guid? banId, BanRecord? ban)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(verdict);
        var e = verdict.Evidence;
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteString("id", incidentId.ToString("D"));
        w.WriteString("time", Rfc3339(verdict.DecidedAtNs));
        w.WriteString("host", host);
        w.WriteString("source", verdict.Source.ToString());
        w.WriteString("source_kind", verdict.Source.Kind switch { SourceKeyKind.IPv6Prefix64 => "ipv6_64", SourceKeyKind.IPv4Prefix24 => "ipv4_24", _ => "address" });
        w.WriteBoolean("source_verified", verdict.SourceVerified);
        w.WriteString("detector", ScanNames.Of(verdict.Detector));
        w.WriteString("scan", ScanNames.Of(verdict.Scan));
        w.WriteString("tool", ScanNames.Of(verdict.Tool));
        if (e.FingerprintDetail is null)
        {
            w.WriteNull("fingerprint");
        }
        else
        {
            w.WriteString("fingerprint", e.FingerprintDetail);
        }

        w.WriteNumber("score", Math.Round(e.Score, 3));
        w.WriteNumber("threshold", Math.Round(e.Threshold, 3));
        w.WriteNumber("probes", e.Probes);
        w.WriteNumber("hosts_probed", e.HostsProbed);
        Ports(w, "ports", e.PortsProbed);
        Ports(w, "closed_ports", e.ClosedPorts);
        Ports(w, "exposure", e.OpenPortsReached);
        w.WriteString("first_seen", Rfc3339(e.FirstSeenNs));
        w.WriteString("last_seen", Rfc3339(e.LastSeenNs));
        w.WriteString("summary", e.Summary);
        if (e.GroupMembers.Count > 0)
        {
            w.WriteStartArray("group_members");
            foreach (var m in e.GroupMembers)
            {
                w.WriteStringValue(m.ToString());
            }

            w.WriteEndArray();
        }

        if (banId is null)
        {
            w.WriteNull("ban");
        }
        else
        {
            w.WritePropertyName("ban");
            WriteBan(w, banId.Value, ban);
        }

        w.WriteEndObject();
    }

    /// <summary>The ban object of incident lines and of webhook ban/unban payloads.</summary>
    public static void WriteBan(Utf8JsonWriter w, Guid banId, BanRecord? ban)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteString("id", banId.ToString("D"));
        if (ban is not null)
        {
            w.WriteString("target", ban.Target.ToString());
            w.WriteString("started_at", Rfc3339(ban.StartedAt));
            w.WriteString("expires_at", Rfc3339(ban.ExpiresAt));
            w.WriteNumber("duration_seconds", Math.Round((ban.ExpiresAt - ban.StartedAt).TotalSeconds, 3));
            w.WriteNumber("level", ban.EscalationLevel);
            w.WriteBoolean("dry_run", ban.DryRun);
            w.WriteString("reason", ban.Reason);
        }

        w.WriteEndObject();
    }

    public static string Rfc3339(long unixNs) => Rfc3339(DateTimeOffset.UnixEpoch.AddTicks(unixNs / 100));

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void Ports(Utf8JsonWriter w, string name, IReadOnlyList<ushort> ports)
    {
        w.WriteStartArray(name);
        foreach (var p in ports)
        {
            w.WriteNumberValue(p);
        }

        w.WriteEndArray();
    }
}
