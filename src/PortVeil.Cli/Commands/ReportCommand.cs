using System.CommandLine;
using System.Globalization;
using PortVeil.Cli.Analysis;
using PortVeil.Cli.Operator;
using PortVeil.Cli.Reporting;
using PortVeil.Core;
using PortVeil.Daemon.Options;
using PortVeil.Daemon.Options.Types;
using PortVeil.Storage;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil report`: one self-contained HTML file (inline CSS, SVG charts, no network) with scans over time, top
/// sources and subnets, ports probed, scan types and tools, exposure per scanner, and bans. Reads the daemon's
/// database, SQLite or PostgreSQL as [storage] in the configuration selects (`--config`, `--database`, `--since`),
/// or analyses captures on the fly (`--from-capture FILE…`, the analyze pipeline). Exit 0 written, 1 no database
/// or a database error, 2 bad input, 78 a broken configuration.
/// </summary>
internal static class ReportCommand
{
    public const string DefaultOutput = "portveil-report.html";

    public static Command Create()
    {
        var config = new Option<string>("--config", "-c") { Description = $"configuration file: [storage] selects the database, SQLite or PostgreSQL (default {ConfigLoader.DefaultPath})" };
        var database = new Option<string>("--database") { Description = "a SQLite database file to report on instead of the configured one" };
        var since = new Option<string>("--since")
        {
            Description = "start of the period: a duration back from now (\"24h\", \"7d\") or a UTC time (2026-11-25T16:00:00Z)",
            DefaultValueFactory = _ => "7d",
        };
        var captures = new Option<string[]>("--from-capture")
        {
            Description = "analyse these pcap, pcapng or kernel LOG files instead of reading the database",
            AllowMultipleArgumentsPerToken = true,
        };
        var served = new Option<string[]>("--served") { Description = "with --from-capture: ports the host serves (as for analyze)" };
        var local = new Option<string[]>("--local") { Description = "with --from-capture: the protected host's addresses (as for analyze)" };
        var output = new Option<string>("--output", "-o") { Description = $"HTML file to write, '-' for standard output (default {DefaultOutput})", DefaultValueFactory = _ => DefaultOutput };
        var title = new Option<string>("--title") { Description = "the report's title", DefaultValueFactory = _ => "PortVeil report" };

        var command = new Command("report", "Write a self-contained HTML report with charts: scans, sources, subnets, ports, tools, exposure, bans.");
        foreach (var o in (Option[])[config, database, since, captures, served, local, output, title])
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var stdout = parse.InvocationConfiguration.Output;
            var now = DateTimeOffset.UtcNow;
            ReportData data;
            var files = parse.GetValue(captures) ?? [];
            if (files.Length > 0)
            {
                var specs = new List<PortSpec>();
                foreach (var item in parse.GetValue(served) ?? [])
                {
                    if (!PortSpec.TryParseList(item, specs, out var error))
                    {
                        await stderr.WriteLineAsync($"--served: {error}");
                        return AnalyzeCommand.ExitBadInput;
                    }
                }

                var locals = new List<NetAddress>();
                foreach (var text in (parse.GetValue(local) ?? []).SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    if (!NetAddress.TryParse(text, out var a))
                    {
                        await stderr.WriteLineAsync($"--local: '{text}' is not an IPv4 or IPv6 address");
                        return AnalyzeCommand.ExitBadInput;
                    }

                    locals.Add(a);
                }

                var analyzer = new CaptureAnalyzer(specs, locals);
                data = ReportSources.FromAnalyses([.. files.Select(f => analyzer.Analyze(f))], parse.GetValue(title)!, now);
            }
            else
            {
                if (!TryParseSince(parse.GetValue(since)!, now, out var from, out var sinceError))
                {
                    await stderr.WriteLineAsync($"--since: {sinceError}");
                    return AnalyzeCommand.ExitBadInput;
                }

                var loaded = CliStore.LoadConfig(parse.GetValue(config), parse.GetValue(database), stderr);
                if (loaded is null)
                {
                    return ExitCodes.Config;
                }

                using var store = CliStore.Open(loaded, mustExist: true, "portveil report", stderr, out _, parse.GetValue(config) ?? ConfigLoader.DefaultPath);
                if (store is null)
                {
                    return 1;
                }

                try
                {
                    data = await ReportSources.FromStoreAsync(store, store, store, store.Location, from, now, parse.GetValue(title)!, cancellationToken);
                }
                catch (StorageException e)
                {
                    await stderr.WriteLineAsync($"portveil report: {e.Message}");
                    return 1;
                }
            }

            var target = parse.GetValue(output)!;
            if (target == "-")
            {
                HtmlReportWriter.Write(data, stdout);
                return 0;
            }

            try
            {
                await using (var writer = new StreamWriter(target, append: false, new System.Text.UTF8Encoding(false)))
                {
                    HtmlReportWriter.Write(data, writer);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"portveil report: cannot write {target}: {e.Message}");
                return 1;
            }

            await stdout.WriteLineAsync($"Wrote {Path.GetFullPath(target)}: {data.Incidents.Count} incident(s), {data.Bans.Count} ban(s).");
            return data.Warnings.Count > 0 ? AnalyzeCommand.ExitBadInput : 0;
        });
        return command;
    }

    /// <summary>"7d", "24h", "90m" back from <paramref name="now"/>, or an absolute time (ISO 8601; UTC unless it says otherwise).</summary>
    public static bool TryParseSince(string text, DateTimeOffset now, out DateTimeOffset since, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DurationType.TryParseText(text, out var ago, out _))
        {
            since = ago >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - ago;
            error = "";
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since))
        {
            error = "";
            return true;
        }

        error = $"'{text}' is neither a duration (\"24h\", \"7d\") nor a time (2026-11-25T16:00:00Z)";
        return false;
    }
}
