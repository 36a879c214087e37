using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>
/// The stored JSON shape of <see cref="Evidence"/>. Stable: fields are only ever added, never renamed or
/// removed, and readers ignore fields they do not know. Written by hand with <see cref="Utf8JsonWriter"/>, so the
/// field order is fixed and no reflection is involved.
/// </summary>
/// <example>
/// {"v":1,"detector":"trw","score":6.93,"threshold":4.59,"summary":"…","probes":5,
///  "ports_probed":[22,23,80],"closed_ports":[23],"open_ports_reached":[22,80],"flags":["syn"],
///  "tool":"nmap","fingerprint":"window 1024, lone MSS","hosts_probed":1,"group_members":[],
///  "first_seen_ns":1700000000000000000,"last_seen_ns":1700000001000000000}
/// </example>
public static class EvidenceJson
{
    public const int ShapeVersion = 1;

    // Stored text is read by tools and people, never embedded in HTML by storage: keep non-ASCII readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("v", ShapeVersion);
            w.WriteString("detector", ScanNames.Of(evidence.Detector));
            WriteDouble(w, "score", evidence.Score);
            WriteDouble(w, "threshold", evidence.Threshold);
            w.WriteString("summary", evidence.Summary);
            w.WriteNumber("probes", evidence.Probes);
            WritePorts(w, "ports_probed", evidence.PortsProbed);
            WritePorts(w, "closed_ports", evidence.ClosedPorts);
            WritePorts(w, "open_ports_reached", evidence.OpenPortsReached);
            w.WriteStartArray("flags");
            foreach (var (flag, name) in StorageNames.Flags)
            {
                if ((evidence.FlagsSeen & flag) != 0)
                {
                    w.WriteStringValue(name);
                }
            }

            w.WriteEndArray();
            w.WriteString("tool", ScanNames.Of(evidence.Tool));
            if (evidence.FingerprintDetail is null)
            {
                w.WriteNull("fingerprint");
            }
            else
            {
                w.WriteString("fingerprint", evidence.FingerprintDetail);
            }

            w.WriteNumber("hosts_probed", evidence.HostsProbed);
            w.WriteStartArray("group_members");
            foreach (var member in evidence.GroupMembers)
            {
                w.WriteStringValue(member.ToString());
            }

            w.WriteEndArray();
            w.WriteNumber("first_seen_ns", evidence.FirstSeenNs);
            w.WriteNumber("last_seen_ns", evidence.LastSeenNs);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads evidence back; a malformed document throws <see cref="JsonException"/> or <see cref="FormatException"/>.</summary>
    public static Evidence Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var flags = TcpFlags.None;
        if (root.TryGetProperty("flags", out var flagArray))
        {
            foreach (var f in flagArray.EnumerateArray())
            {
                flags |= StorageNames.ParseFlag(f.GetString() ?? string.Empty);
            }
        }

        var members = new List<NetAddress>();
        if (root.TryGetProperty("group_members", out var memberArray))
        {
            foreach (var m in memberArray.EnumerateArray())
            {
                members.Add(NetAddress.Parse(m.GetString() ?? string.Empty));
            }
        }

        return new Evidence
        {
            Detector = StorageNames.ParseDetector(root.GetProperty("detector").GetString()) ?? default,
            Score = ReadDouble(root.GetProperty("score")),
            Threshold = ReadDouble(root.GetProperty("threshold")),
            Summary = root.GetProperty("summary").GetString() ?? string.Empty,
            Probes = root.GetProperty("probes").GetInt32(),
            PortsProbed = ReadPorts(root, "ports_probed"),
            ClosedPorts = ReadPorts(root, "closed_ports"),
            OpenPortsReached = ReadPorts(root, "open_ports_reached"),
            FlagsSeen = flags,
            Tool = root.TryGetProperty("tool", out var tool) ? StorageNames.ParseTool(tool.GetString() ?? string.Empty) : ScannerTool.Unknown,
            FingerprintDetail = root.TryGetProperty("fingerprint", out var fp) && fp.ValueKind == JsonValueKind.String ? fp.GetString() : null,
            HostsProbed = root.TryGetProperty("hosts_probed", out var hosts) ? hosts.GetInt32() : 0,
            GroupMembers = members,
            FirstSeenNs = root.TryGetProperty("first_seen_ns", out var first) ? first.GetInt64() : 0,
            LastSeenNs = root.TryGetProperty("last_seen_ns", out var last) ? last.GetInt64() : 0,
        };
    }

    // JSON has no NaN or infinity; a detector should never produce them, but if one does the evidence must still
    // be stored, so they are written as the strings "NaN", "Infinity" and "-Infinity".
    private static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static double ReadDouble(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => throw new FormatException($"'{s}' is not a number."),
        }
        : e.GetDouble();

    private static void WritePorts(Utf8JsonWriter w, string name, IReadOnlyList<ushort> ports)
    {
        w.WriteStartArray(name);
        foreach (var p in ports)
        {
            w.WriteNumberValue(p);
        }

        w.WriteEndArray();
    }

    private static ushort[] ReadPorts(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var array))
        {
            return [];
        }

        var ports = new ushort[array.GetArrayLength()];
        var i = 0;
        foreach (var p in array.EnumerateArray())
        {
            ports[i++] = p.GetUInt16();
        }

        return ports;
    }
}
