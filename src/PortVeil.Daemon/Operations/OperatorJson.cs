using System.Globalization;
using System.Text.Json.Nodes;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Operations;

/// <summary>
/// The JSON shapes of the operator verbs and the HTTP API, in one place so both say the same thing. Field names are
/// snake_case and stable (docs/cli.md lists them); times are UTC ISO 8601 with milliseconds; durations are whole
/// seconds; enum values use their stable lower-case names.
/// </summary>
public static class OperatorJson
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonNode? Time(DateTimeOffset? t) => t is { } v ? Time(v) : null;

    public static string Time(long unixNs) => Time(DateTimeOffset.UnixEpoch.AddTicks(unixNs / 100));

    public static JsonObject Result(OperatorResult r) => new()
    {
        ["status"] = r.Status switch
        {
            OperatorStatus.Done => "done",
            OperatorStatus.NotFound => "not_found",
            OperatorStatus.Refused => "refused",
            OperatorStatus.Invalid => "invalid",
            _ => "failed",
        },
        ["message"] = r.Message,
        ["ban_id"] = r.BanId?.ToString("D"),
        ["expires_at"] = Time(r.ExpiresAt),
        ["kernel_elements"] = r.KernelElements,
        ["bans_ended"] = r.BansEnded,
        ["warnings"] = Strings(r.Warnings),
    };

    public static JsonObject Ban(OperatorBan b) => new()
    {
        ["target"] = b.Target.ToString(),
        ["origin"] = b.Origin,
        ["origin_host"] = b.OriginHost,
        ["ban_id"] = b.BanId?.ToString("D"),
        ["reason"] = b.Reason,
        ["detector"] = b.Detector is { } d ? ScanNames.Of(d) : null,
        ["scan"] = ScanNames.Of(b.Scan),
        ["tool"] = ScanNames.Of(b.Tool),
        ["started_at"] = Time(b.StartedAt),
        ["expires_at"] = Time(b.ExpiresAt),
        ["escalation_level"] = b.EscalationLevel,
        ["dry_run"] = b.DryRun,
        ["in_kernel"] = b.InKernel,
        ["kernel_set"] = b.KernelSet,
        ["kernel_remaining_s"] = b.KernelRemaining is { } r ? (long)r.TotalSeconds : null,
        ["packets_dropped"] = b.PacketsDropped,
    };

    public static JsonObject Allow(OperatorAllowEntry e) => new()
    {
        ["prefix"] = e.Prefix.ToString(),
        ["source"] = e.Source,
        ["reason"] = e.Reason,
        ["added_at"] = Time(e.AddedAt),
        ["removable"] = e.Removable,
    };

    public static JsonObject Incident(StoredIncident i)
    {
        var v = i.Verdict;
        var e = v.Evidence;
        return new JsonObject
        {
            ["id"] = i.Id.ToString("D"),
            ["decided_at"] = Time(v.DecidedAtNs),
            ["source"] = v.Source.ToString(),
            ["scan"] = ScanNames.Of(v.Scan),
            ["detector"] = ScanNames.Of(v.Detector),
            ["tool"] = ScanNames.Of(v.Tool),
            ["source_verified"] = v.SourceVerified,
            ["ban_id"] = i.BanId?.ToString("D"),
            ["origin_host"] = i.OriginHost,
            ["score"] = e.Score,
            ["threshold"] = e.Threshold,
            ["summary"] = e.Summary,
            ["probes"] = e.Probes,
            ["ports_probed"] = Ports(e.PortsProbed),
            ["closed_ports"] = Ports(e.ClosedPorts),
            ["open_ports_reached"] = Ports(e.OpenPortsReached),
            ["flags"] = FlagNames(e.FlagsSeen),
            ["fingerprint"] = e.FingerprintDetail,
            ["hosts_probed"] = e.HostsProbed,
            ["group_members"] = Strings([.. e.GroupMembers.Select(m => m.ToString())]),
            ["first_seen"] = e.FirstSeenNs > 0 ? Time(e.FirstSeenNs) : null,
            ["last_seen"] = e.LastSeenNs > 0 ? Time(e.LastSeenNs) : null,
        };
    }

    public static JsonArray Ports(IReadOnlyList<ushort> ports)
    {
        var a = new JsonArray();
        foreach (var p in ports)
        {
            a.Add(p);
        }

        return a;
    }

    public static JsonArray Strings(IReadOnlyList<string> items)
    {
        var a = new JsonArray();
        foreach (var s in items)
        {
            a.Add(s);
        }

        return a;
    }

    /// <summary>"syn", "fin,psh,urg": the flags seen, lower case, in header order.</summary>
    public static string FlagNames(TcpFlags flags)
    {
        var names = new List<string>(8);
        foreach (var (flag, name) in (ReadOnlySpan<(TcpFlags, string)>)[(TcpFlags.Fin, "fin"), (TcpFlags.Syn, "syn"), (TcpFlags.Rst, "rst"), (TcpFlags.Psh, "psh"), (TcpFlags.Ack, "ack"), (TcpFlags.Urg, "urg"), (TcpFlags.Ece, "ece"), (TcpFlags.Cwr, "cwr")])
        {
            if ((flags & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names.Count == 0 ? "none" : string.Join(',', names);
    }

    public static JsonObject Explanation(BanExplanation e)
    {
        JsonObject? ban = null;
        if (e.Ban is { } s)
        {
            var b = s.Ban;
            ban = new JsonObject
            {
                ["id"] = b.Id.ToString("D"),
                ["target"] = b.Target.ToString(),
                ["origin"] = b.Detector is null ? "manual" : "detector",
                ["origin_host"] = b.OriginHost,
                ["reason"] = b.Reason,
                ["detector"] = b.Detector is { } d ? ScanNames.Of(d) : null,
                ["scan"] = ScanNames.Of(b.Scan),
                ["tool"] = ScanNames.Of(b.Tool),
                ["started_at"] = Time(b.StartedAt),
                ["expires_at"] = Time(b.ExpiresAt),
                ["ended_at"] = Time(s.EndedAt),
                ["end_reason"] = s.EndReason?.ToString().ToLowerInvariant(),
                ["escalation_level"] = b.EscalationLevel,
                ["dry_run"] = b.DryRun,
            };
        }

        JsonObject kernel = new()
        {
            ["read"] = e.KernelProblem is null,
            ["problem"] = e.KernelProblem,
            ["set"] = e.KernelSet,
            ["element"] = e.KernelElement?.Source.ToString(),
            ["timeout_s"] = e.KernelElement is { } k ? (long)k.Timeout.TotalSeconds : null,
            ["remaining_s"] = e.KernelElement is { } k2 ? (long)k2.Remaining.TotalSeconds : null,
            ["packets_dropped"] = e.KernelElement?.Packets,
            ["passed_gating"] = e.PassedGating,
            ["rule"] = e.DroppingRule is { } r ? new JsonObject
            {
                ["chain"] = r.Chain,
                ["hook"] = e.DroppingChain?.Hook,
                ["priority"] = e.DroppingChain?.Priority,
                ["handle"] = r.Handle,
                ["text"] = r.Text,
            } : null,
        };
        return new JsonObject
        {
            ["address"] = e.Address.ToString(),
            ["banned"] = e.Active,
            ["ban"] = ban,
            ["incidents"] = new JsonArray([.. e.Incidents.Select(i => (JsonNode)Incident(i))]),
            ["kernel"] = kernel,
            ["account"] = Strings(e.Account),
        };
    }

    public static JsonObject Rules(RuleSetExplanation rules) => new()
    {
        ["table"] = rules.Table,
        ["nft_version"] = rules.NftVersion,
        ["unknown_rules"] = rules.UnknownRules,
        ["sets"] = new JsonArray([.. rules.Sets.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name,
            ["type"] = s.Type,
            ["flags"] = Strings(s.Flags),
            ["elements"] = s.Elements,
            ["timeout_s"] = s.TimeoutSeconds,
            ["known"] = s.Known,
            ["explanation"] = s.Explanation,
        })]),
        ["chains"] = new JsonArray([.. rules.Chains.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name,
            ["hook"] = c.Hook,
            ["priority"] = c.Priority,
            ["policy"] = c.Policy,
            ["explanation"] = c.Explanation,
            ["rules"] = new JsonArray([.. c.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["handle"] = r.Handle,
                ["text"] = r.Text,
                ["known"] = r.Known,
                ["explanation"] = r.Explanation,
                ["sets"] = Strings(r.Sets),
                ["packets"] = r.Packets,
                ["raw"] = r.Known ? null : JsonNode.Parse(r.Raw),
            })]),
        })]),
    };
}
