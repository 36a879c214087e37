using System.Globalization;
using PortVeil.Core;
using PortVeil.Storage;

namespace PortVeil.Daemon.Operations;

/// <summary>Writes the plain-language account of a ban from its stored evidence and the live kernel state.</summary>
public static class BanExplainer
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Fills <see cref="BanExplanation.Account"/> from the other fields.</summary>
    public static BanExplanation WithAccount(BanExplanation e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        var lines = new List<string> { BanSentence(e, now) };
        var incident = Primary(e);
        if (incident is not null)
        {
            var v = incident.Verdict;
            var ev = v.Evidence;
            lines.Add(PacketsSentence(v, ev));
            lines.Add(PortsSentence(ev));
            lines.Add($"Detector: {ScanNames.Of(v.Detector)} ({DetectorMeaning(v.Detector)}) scored {ev.Score.ToString("0.###", C)} against a threshold of {ev.Threshold.ToString("0.###", C)}: {ev.Summary}.");
            lines.Add(ev.Tool == ScannerTool.Unknown
                ? "Fingerprint: no scanner tool matched its packets."
                : $"Fingerprint: its packets match {ScanNames.Of(ev.Tool)}" + (ev.FingerprintDetail is { Length: > 0 } d ? $" ({d})." : "."));
            lines.Add(ExposureSentence(e, ev, v.Source.IsNetwork));
            if (ev.GroupMembers.Count > 0)
            {
                lines.Add($"It scanned together with {Plural(ev.GroupMembers.Count, "other source")} ({string.Join(", ", ev.GroupMembers.Take(8))}{(ev.GroupMembers.Count > 8 ? ", …" : "")}): a distributed scan.");
            }

            lines.Add(v.SourceVerified
                ? "Its address is real: it completed a handshake or answered, so it was not spoofed."
                : "Its address was not verified by a handshake (SYNs can be spoofed); PortVeil bans such sources only on several probes.");
            if (e.Incidents.Count > 1)
            {
                lines.Add($"{Plural(e.Incidents.Count, "incident")} are recorded for this ban; the account above is the one that triggered it.");
            }
        }
        else if (e.Ban is not null)
        {
            lines.Add(e.Ban.Ban.Detector is null
                ? $"It was banned by hand: \"{e.Ban.Ban.Reason}\". There is no scan evidence for a manual ban."
                : "No incident with evidence is stored for this ban (it may have been pruned by retention).");
        }

        lines.Add(KernelSentence(e));
        return e with { Account = lines };
    }

    private static StoredIncident? Primary(BanExplanation e) => e.Incidents.Count == 0 ? null : e.Incidents[0];

    private static string BanSentence(BanExplanation e, DateTimeOffset now)
    {
        if (e.Ban is null)
        {
            return e.Incidents.Count == 0
                ? $"{e.Address} has never been banned here and no incident names it."
                : $"{e.Address} is not banned: {Plural(e.Incidents.Count, "incident")} name it, but none led to a ban (allowlisted, dry run, or below the ban policy).";
        }

        var b = e.Ban.Ban;
        var target = b.Target.IsSingleAddress ? "" : $" as part of {b.Target}";
        var who = b.Detector is null ? "by hand" : $"by the {ScanNames.Of(b.Detector.Value)} detector";
        var level = b.EscalationLevel == 0
            ? "escalation level 0 (a first offence)"
            : $"escalation level {b.EscalationLevel} (its ban number {b.EscalationLevel + 1} within the look-back, so the duration was multiplied {b.EscalationLevel} time(s) by the ban factor)";
        var dry = b.DryRun ? " This was a dry run: nothing was put in the kernel." : "";
        if (e.Active)
        {
            return $"{e.Address} is banned{target} {who} since {Time(b.StartedAt)} until {Time(b.ExpiresAt)} ({OperatorActions.Format(b.ExpiresAt - now)} left), {level}. Reason: {b.Reason}.{dry}";
        }

        var end = e.Ban.EndReason switch
        {
            BanEndReason.Unbanned => "an operator unbanned it",
            BanEndReason.Allowlisted => "it was added to the allowlist",
            BanEndReason.Superseded => "a newer ban replaced it",
            _ => "it expired",
        };
        return $"{e.Address} is not banned now. It was banned{target} {who} from {Time(b.StartedAt)} until {Time(e.Ban.EndedAt ?? b.ExpiresAt)}, when {end}; {level}. Reason: {b.Reason}.{dry}";
    }

    private static string ExposureSentence(BanExplanation e, Evidence ev, bool prefix)
    {
        if (ev.OpenPortsReached.Count == 0)
        {
            return "Exposure: it reached no open port before the verdict, so it learned no open port.";
        }

        var reached = $"{Plural(ev.OpenPortsReached.Count, "open port")} ({Ports(ev.OpenPortsReached)})";
        var set = e.Address.IsIPv4 ? "@known4" : "@known6";
        return e.PassedGating switch
        {
            false when !prefix =>
                $"Exposure: it sent connection attempts to {reached} before the verdict, but first-contact gating dropped every first SYN and it never passed (it is not in {set}), so it learned no open port: to it they look filtered.",
            true =>
                $"Exposure: before the verdict it had reached {reached}, and it passed first-contact gating (it is in {set}): it may have learned that {(ev.OpenPortsReached.Count == 1 ? "this port is" : "these ports are")} open.",
            _ => $"Exposure: before the verdict it had reached {reached}; it may have learned that {(ev.OpenPortsReached.Count == 1 ? "this port is" : "these ports are")} open.",
        };
    }

    private static string PacketsSentence(Verdict v, Evidence ev)
    {
        var first = ev.FirstSeenNs > 0 ? ev.FirstSeenNs : v.DecidedAtNs;
        var seconds = Math.Max(0, (v.DecidedAtNs - first) / 1e9);
        var flags = ev.FlagsSeen == TcpFlags.None ? "" : $" with TCP flags {FlagText(ev.FlagsSeen)}";
        var hosts = ev.HostsProbed > 1 ? $" across {ev.HostsProbed} hosts" : "";
        return $"Packets: a {ScanNames.Of(v.Scan)} scan: {Plural(ev.Probes, "probe")}{flags}{hosts} from {TimeNs(first)} on; " +
            $"the verdict came {seconds.ToString("0.###", C)} s after its first probe, after {Plural(ev.Probes, "probe")}.";
    }

    private static string PortsSentence(Evidence ev)
    {
        if (ev.PortsProbed.Count == 0)
        {
            return "Ports: it probed no port (a ping or protocol scan).";
        }

        return $"Ports: it probed {Plural(ev.PortsProbed.Count, "port")} ({Ports(ev.PortsProbed)}); closed (nothing serves them): {(ev.ClosedPorts.Count == 0 ? "none" : Ports(ev.ClosedPorts))}; " +
            $"open (served): {(ev.OpenPortsReached.Count == 0 ? "none" : Ports(ev.OpenPortsReached))}.";
    }

    private static string KernelSentence(BanExplanation e)
    {
        if (e.KernelElement is { } k)
        {
            var rule = e.DroppingRule is { } r
                ? $" Rule handle {r.Handle} in chain {r.Chain}" + (e.DroppingChain?.Hook is { } hook ? $" (hook {hook}, priority {e.DroppingChain.Priority})" : "") + $" drops its packets: `{r.Text}`."
                : "";
            var timeout = k.Timeout > TimeSpan.Zero ? $"timeout {(long)k.Timeout.TotalSeconds} s, " : "";
            return $"Kernel: {k.Source} is in set {e.KernelSet} ({timeout}{(long)k.Remaining.TotalSeconds} s left, until about {Time(DateTimeOffset.UtcNow + k.Remaining)}; " +
                $"{Plural((int)Math.Min(int.MaxValue, k.Packets), "packet")} dropped so far).{rule}";
        }

        if (e.KernelProblem is { } problem)
        {
            return $"Kernel: not checked ({problem}).";
        }

        return e.Active && e.Ban?.Ban.DryRun != true
            ? "Kernel: no element of a ban set holds it right now (the daemon restores stored bans at start; `portveil bans list` shows what the kernel holds)."
            : "Kernel: no ban set holds it: its packets are not dropped by a ban.";
    }

    private static string DetectorMeaning(DetectorKind d) => d switch
    {
        DetectorKind.WindowThreshold => "weighted ports probed within a time window, privileged ports weigh more",
        DetectorKind.Trw => "threshold random walk: a sequential test of failed against successful connection attempts",
        DetectorKind.SlowScan => "suspicion kept for hours, so one probe every few minutes still adds up",
        DetectorKind.StealthFlags => "TCP flag combinations no normal client sends",
        DetectorKind.Tripwire => "a touch of a port nothing serves and nobody should know",
        DetectorKind.Sweep => "one port or a ping across many hosts",
        DetectorKind.Distributed => "many sources, few ports each, grouped by network or fingerprint",
        _ => "see docs/cli.md",
    };

    internal static string Ports(IReadOnlyList<ushort> ports)
    {
        var sorted = ports.OrderBy(p => p).ToList();
        var shown = string.Join(", ", sorted.Take(24));
        return sorted.Count > 24 ? $"{shown} and {sorted.Count - 24} more" : shown;
    }

    private static string FlagText(TcpFlags flags)
    {
        var names = new List<string>();
        foreach (var (f, n) in (ReadOnlySpan<(TcpFlags, string)>)[(TcpFlags.Fin, "FIN"), (TcpFlags.Syn, "SYN"), (TcpFlags.Rst, "RST"), (TcpFlags.Psh, "PSH"), (TcpFlags.Ack, "ACK"), (TcpFlags.Urg, "URG"), (TcpFlags.Ece, "ECE"), (TcpFlags.Cwr, "CWR")])
        {
            if ((flags & f) != 0)
            {
                names.Add(n);
            }
        }

        return string.Join('+', names);
    }

    private static string Plural(int n, string what) => n == 1 ? $"1 {what}" : $"{n.ToString(C)} {what}s";

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", C);

    private static string TimeNs(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", C);
}
