using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using PortVeil.Cli.Operator;
using PortVeil.Daemon.Operations;
using PortVeil.Core;
using PortVeil.Daemon.Options.Types;
using Spectre.Console;

namespace PortVeil.Cli.Commands;

/// <summary>`portveil incidents [--since 1h|ISO time] [--limit N]`: every verdict with its evidence, oldest first.</summary>
internal static class IncidentsCommand
{
    public static Command Create()
    {
        var options = new OperatorOptions();
        var since = new Option<string>("--since", "-s") { Description = "how far back: a duration (90m, 1h, 7d) or a time (2026-11-25T08:00:00Z); default 24h" };
        var limit = new Option<int>("--limit", "-n") { Description = "at most this many (default 1000)", DefaultValueFactory = _ => 1000 };
        var command = options.AddTo(new Command("incidents", "Scans detected: source, scan type, detector, tool, ports, exposure, ban."), kernel: false);
        command.Options.Add(since);
        command.Options.Add(limit);
        OperatorVerb.SetAction(command, options, readOnly: true, async (session, parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                if (!TryParseSince(text, DateTimeOffset.UtcNow, out var t))
                {
                    await error.WriteLineAsync($"portveil: --since: '{text}' is neither a duration (90m, 1h, 7d) nor an ISO 8601 time (2026-11-25T08:00:00Z).");
                    return ExitCodes.Invalid;
                }

                from = t;
            }

            var n = parse.GetValue(limit);
            if (n < 1)
            {
                await error.WriteLineAsync("portveil: --limit must be at least 1.");
                return ExitCodes.Invalid;
            }

            var incidents = await session.Actions.ListIncidentsAsync(from, n, ct);
            var o = session.Output;
            if (o.IsJson)
            {
                o.Json(new JsonObject { ["incidents"] = new JsonArray([.. incidents.Select(i => (JsonNode)OperatorJson.Incident(i))]) });
                return ExitCodes.Ok;
            }

            if (incidents.Count == 0)
            {
                o.Line(from is null ? "No incidents in the last 24 hours." : $"No incidents since {from.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.");
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded);
            foreach (var c in (string[])["Decided (UTC)", "Source", "Scan", "Detector", "Tool", "Probes", "Closed ports", "Open ports reached", "Banned"])
            {
                table.AddColumn(c);
            }

            foreach (var i in incidents)
            {
                var v = i.Verdict;
                var e = v.Evidence;
                table.AddRow(
                    OperatorJson.Time(v.DecidedAtNs).Replace('T', ' ').TrimEnd('Z'),
                    Markup.Escape(v.Source.ToString()),
                    ScanNames.Of(v.Scan),
                    ScanNames.Of(v.Detector),
                    ScanNames.Of(v.Tool),
                    e.Probes.ToString(CultureInfo.InvariantCulture),
                    PortText(e.ClosedPorts),
                    e.OpenPortsReached.Count == 0 ? "none" : PortText(e.OpenPortsReached),
                    i.BanId is null ? "no" : "yes");
            }

            o.Console.Write(table);
            o.Line($"{incidents.Count} incident(s); `portveil explain ban ADDRESS` tells the whole story of one.");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A duration back from <paramref name="now"/> ("1h") or an absolute ISO 8601 time.</summary>
    internal static bool TryParseSince(string text, DateTimeOffset now, out DateTimeOffset since)
    {
        if (DurationType.TryParseText(text, out var back, out _))
        {
            since = now - back;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since);
    }

    /// <summary>"21, 23, 25 (+9 more)": at most 12 ports, so a row stays readable after a full-range scan.</summary>
    internal static string PortText(IReadOnlyList<ushort> ports)
    {
        if (ports.Count == 0)
        {
            return "-";
        }

        var shown = string.Join(", ", ports.Take(12));
        return ports.Count > 12 ? $"{shown} (+{ports.Count - 12} more)" : shown;
    }
}
