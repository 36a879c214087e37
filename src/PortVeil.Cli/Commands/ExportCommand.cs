using System.CommandLine;
using PortVeil.Cli.Operator;
using PortVeil.Daemon.Notifications;
using PortVeil.Daemon.Options;
using PortVeil.Storage;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil export incidents [--since 24h] [--output FILE]`: every incident of the period as JSON lines (one
/// object per incident, fields in docs/integrations.md) for Splunk, Loki, Elastic or jq, from the database the
/// configuration's [storage] selects (SQLite or PostgreSQL). Exit 0 written, 1 no database or a database error,
/// 2 bad arguments, 78 a broken configuration.
/// </summary>
internal static class ExportCommand
{
    /// <summary>Incidents read per query; the export pages through the period so memory stays flat.</summary>
    public const int PageSize = 5000;

    public static Command Create()
    {
        var command = new Command("export", "Export PortVeil's records for other tools (JSON lines).");
        command.Subcommands.Add(Incidents());
        return command;
    }

    private static Command Incidents()
    {
        var config = new Option<string>("--config", "-c") { Description = $"configuration file: [storage] selects the database, SQLite or PostgreSQL (default {ConfigLoader.DefaultPath})" };
        var database = new Option<string>("--database") { Description = "a SQLite database file to export from instead of the configured one" };
        var since = new Option<string>("--since")
        {
            Description = "start: a duration back from now (\"24h\", \"7d\") or a UTC time (2026-11-25T16:00:00Z)",
            DefaultValueFactory = _ => "24h",
        };
        var until = new Option<string>("--until") { Description = "end (exclusive): a UTC time; default now" };
        var output = new Option<string>("--output", "-o") { Description = "file to write (replaced), '-' or absent for standard output" };
        var command = new Command("incidents", "Every incident of a period as JSON lines: time, source, detector, scan, tool, ports, exposure, ban.");
        foreach (var o in (Option[])[config, database, since, until, output])
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var now = DateTimeOffset.UtcNow;
            if (!ReportCommand.TryParseSince(parse.GetValue(since)!, now, out var from, out var error))
            {
                await stderr.WriteLineAsync($"--since: {error}");
                return 2;
            }

            var to = now;
            if (parse.GetValue(until) is { } untilText && !ReportCommand.TryParseSince(untilText, now, out to, out error))
            {
                await stderr.WriteLineAsync($"--until: {error}");
                return 2;
            }

            var loaded = CliStore.LoadConfig(parse.GetValue(config), parse.GetValue(database), stderr);
            if (loaded is null)
            {
                return ExitCodes.Config;
            }

            using var store = CliStore.Open(loaded, mustExist: true, "portveil export", stderr, out _, parse.GetValue(config) ?? ConfigLoader.DefaultPath);
            if (store is null)
            {
                return 1;
            }

            var target = parse.GetValue(output);
            TextWriter? file = null;
            try
            {
                file = target is null or "-" ? null : new StreamWriter(target, append: false, new System.Text.UTF8Encoding(false));
                var writer = file ?? parse.InvocationConfiguration.Output;
                var count = await WriteAsync(store, store, from, to, writer, cancellationToken);
                if (file is not null)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"Exported {count} incident(s) to {Path.GetFullPath(target!)}");
                }

                return 0;
            }
            catch (StorageException e)
            {
                await stderr.WriteLineAsync($"portveil export: {e.Message}");
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"portveil export: cannot write {target}: {e.Message}");
                return 1;
            }
            finally
            {
                if (file is not null)
                {
                    await file.DisposeAsync();
                }
            }
        });
        return command;
    }

    /// <summary>Writes the incidents decided in [from, to) oldest first, one line each; returns how many.</summary>
    public static async Task<long> WriteAsync(IIncidentStore incidents, IBanStore bans, DateTimeOffset from, DateTimeOffset to, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        ArgumentNullException.ThrowIfNull(bans);
        ArgumentNullException.ThrowIfNull(writer);
        var banCache = new Dictionary<Guid, BanRecord?>();
        long count = 0;

        // The next page starts at the last page's final time (rounded down to the store's 100 ns), so it re-reads
        // the incidents at that boundary; only their ids are remembered, which keeps memory flat for any period.
        var boundary = new HashSet<Guid>();
        while (true)
        {
            var page = await incidents.ListIncidentsAsync(from, to, PageSize, cancellationToken);
            var fresh = 0;
            foreach (var i in page)
            {
                if (boundary.Contains(i.Id))
                {
                    continue;
                }

                fresh++;
                BanRecord? ban = null;
                if (i.BanId is { } id && !banCache.TryGetValue(id, out ban))
                {
                    ban = (await bans.FindBanAsync(id, cancellationToken))?.Ban;
                    banCache[id] = ban;
                }

                await writer.WriteLineAsync(IncidentJson.ToJsonLine(i.Id, i.Verdict, i.OriginHost, i.BanId, ban));
                count++;
            }

            // More than a page of incidents in one 100 ns step would stop here; a real host never decides that many at once.
            if (page.Count < PageSize || fresh == 0)
            {
                break;
            }

            var boundaryNs = page[^1].Verdict.DecidedAtNs / 100 * 100;
            from = DateTimeOffset.UnixEpoch.AddTicks(boundaryNs / 100);
            boundary.Clear();
            foreach (var i in page)
            {
                if (i.Verdict.DecidedAtNs >= boundaryNs)
                {
                    boundary.Add(i.Id);
                }
            }

            if (banCache.Count > PageSize)
            {
                banCache.Clear();
            }
        }

        await writer.FlushAsync(cancellationToken);
        return count;
    }
}
