using System.Text.Json;
using PortVeil.Core;

namespace PortVeil.Cli.Analysis;

/// <summary>One JSON object per scanner, one per line (JSON lines), for scripts and SIEMs.</summary>
internal static class AnalysisJsonWriter
{
    public static string ToJsonLine(ScannerReport r)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            var e = r.Verdict.Evidence;
            w.WriteStartObject();
            w.WriteString("file", r.File);
            w.WriteString("source", r.SourceText);
            w.WriteString("scan", ScanNames.Of(r.Scan));
            w.WriteString("tool", ScanNames.Of(r.Tool));
            w.WriteString("detector", ScanNames.Of(r.Detector));
            w.WriteNumber("ports_probed", r.PortsProbed.Count);
            WritePorts(w, "ports", r.PortsProbed);
            w.WriteNumber("probes", r.Probes);
            w.WriteNumber("hosts_probed", r.HostsProbed);
            w.WriteString("first_seen", Timestamps.Iso(r.FirstSeenNs));
            w.WriteString("last_seen", Timestamps.Iso(r.LastSeenNs));
            w.WriteString("decided_at", Timestamps.Iso(r.DecidedAtNs));
            WritePorts(w, "exposed_ports", r.ExposedPorts);
            w.WriteBoolean("source_verified", r.Verdict.SourceVerified);
            w.WriteStartObject("evidence");
            w.WriteString("detector", ScanNames.Of(e.Detector));
            w.WriteNumber("score", Math.Round(e.Score, 3));
            w.WriteNumber("threshold", Math.Round(e.Threshold, 3));
            w.WriteString("summary", e.Summary);
            w.WriteNumber("probes_before_verdict", e.Probes);
            WritePorts(w, "ports_probed", e.PortsProbed);
            WritePorts(w, "closed_ports", e.ClosedPorts);
            WritePorts(w, "open_ports_reached", e.OpenPortsReached);
            w.WriteString("flags", e.FlagsSeen.ToString());
            w.WriteString("tool", ScanNames.Of(e.Tool));
            if (e.FingerprintDetail is not null)
            {
                w.WriteString("fingerprint", e.FingerprintDetail);
            }

            w.WriteNumber("hosts_probed", e.HostsProbed);
            if (e.GroupMembers.Count > 0)
            {
                w.WriteStartArray("group_members");
                foreach (var m in e.GroupMembers)
                {
                    w.WriteStringValue(m.ToString());
                }

                w.WriteEndArray();
            }

            w.WriteString("first_seen", Timestamps.Iso(e.FirstSeenNs));
            w.WriteString("last_seen", Timestamps.Iso(e.LastSeenNs));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WritePorts(Utf8JsonWriter w, string name, IReadOnlyList<ushort> ports)
    {
        w.WriteStartArray(name);
        foreach (var p in ports)
        {
            w.WriteNumberValue(p);
        }

        w.WriteEndArray();
    }
}
