using System.CommandLine;
using System.Text.Json.Nodes;
using PortVeil.Cli.Operator;
using PortVeil.Core;
using PortVeil.Daemon.Operations;
using PortVeil.Daemon.Options.Types;
using PortVeil.Storage;
using Spectre.Console;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil bans list|add|remove`: the active bans (database joined with the kernel sets), a manual ban, an unban.
/// A running daemon learns of changes made here within a second.
/// </summary>
internal static class BansCommand
{
    public static Command Create()
    {
        var command = new Command("bans", "List, add or remove bans (the database and the kernel table).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command List()
    {
        var options = new OperatorOptions();
        var command = options.AddTo(new Command("list", "Active bans: target, origin (and origin host on PostgreSQL), reason, detector, time left, packets dropped."));
        OperatorVerb.SetAction(command, options, readOnly: true, async (session, parse, ct) =>
        {
            var bans = await session.Actions.ListBansAsync(ct);
            var o = session.Output;
            if (o.IsJson)
            {
                o.Json(new JsonObject
                {
                    ["bans"] = new JsonArray([.. bans.Select(b => (JsonNode)OperatorJson.Ban(b))]),
                    ["kernel_read"] = session.Kernel is not null,
                    ["kernel_problem"] = session.KernelProblem,
                });
                return ExitCodes.Ok;
            }

            if (session.KernelProblem is { } problem)
            {
                o.Warn(problem);
            }

            if (bans.Count == 0)
            {
                o.Line("No active bans.");
                return ExitCodes.Ok;
            }

            // A shared PostgreSQL database holds the bans of every host of the fleet: say whose each one is. A SQLite
            // file is one host's, so the column would repeat one name.
            var fleet = session.Store.Backend == StorageBackend.Postgresql;
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var c in fleet
                ? (string[])["Target", "Host", "Origin", "Reason", "Detector", "Tool", "Level", "Expires (UTC)", "Kernel", "Dropped"]
                : ["Target", "Origin", "Reason", "Detector", "Tool", "Level", "Expires (UTC)", "Kernel", "Dropped"])
            {
                table.AddColumn(c);
            }

            var now = DateTimeOffset.UtcNow;
            foreach (var b in bans)
            {
                List<string> cells = [Markup.Escape(b.Target.ToString())];
                if (fleet)
                {
                    // Kernel elements no row covers have no recorded origin host.
                    cells.Add(Markup.Escape(b.OriginHost ?? "-"));
                }

                table.AddRow(
                    [.. cells,
                    b.Origin,
                    Markup.Escape(b.Reason),
                    b.Detector is { } d ? ScanNames.Of(d) : "-",
                    ScanNames.Of(b.Tool),
                    b.EscalationLevel.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    b.ExpiresAt is { } e ? $"{e.UtcDateTime:yyyy-MM-dd HH:mm:ss} ({OperatorActions.Format(e - now)} left)" : "-",
                    b.DryRun ? "dry run" : b.KernelSet ?? "[yellow]not in kernel[/]",
                    b.PacketsDropped.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }

            o.Console.Write(table);
            o.Line($"{bans.Count} active ban(s).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add()
    {
        var options = new OperatorOptions();
        var target = new Argument<string>("address") { Description = "an IPv4 or IPv6 address, or an IPv6 /64" };
        var duration = new Option<string>("--duration", "-d") { Description = "how long: 30s, 10m, 2h, 7d (default 1d)", DefaultValueFactory = _ => "1d" };
        var reason = new Option<string>("--reason", "-r") { Description = "why, as stored and shown by `bans list`", DefaultValueFactory = _ => OperatorActions.DefaultReason };
        var command = options.AddTo(new Command("add", "Ban an address by hand (refused for allowlisted addresses)."));
        command.Arguments.Add(target);
        command.Options.Add(duration);
        command.Options.Add(reason);
        OperatorVerb.SetAction(command, options, readOnly: false, async (session, parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!OperatorVerb.TryTarget(parse.GetValue(target), error, out var prefix))
            {
                return ExitCodes.Invalid;
            }

            if (!DurationType.TryParseText(parse.GetValue(duration) ?? "1d", out var length, out var problem))
            {
                await error.WriteLineAsync($"portveil: --duration: {problem}");
                return ExitCodes.Invalid;
            }

            return Report(session, await session.Actions.BanAsync(prefix, length, parse.GetValue(reason) ?? "", ct), error);
        });
        return command;
    }

    private static Command Remove()
    {
        var options = new OperatorOptions();
        var target = new Argument<string>("address") { Description = "an address or block: every ban inside it is lifted" };
        var command = options.AddTo(new Command("remove", "Lift the bans of an address or block (kernel and database)."));
        command.Arguments.Add(target);
        OperatorVerb.SetAction(command, options, readOnly: false, async (session, parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!OperatorVerb.TryTarget(parse.GetValue(target), error, out var prefix))
            {
                return ExitCodes.Invalid;
            }

            return Report(session, await session.Actions.UnbanAsync(prefix, ct), error);
        });
        return command;
    }

    /// <summary>Prints an action's result (JSON on stdout; text on stdout when done, on stderr otherwise) and returns its exit code.</summary>
    internal static int Report(OperatorSession session, OperatorResult result, TextWriter error)
    {
        var o = session.Output;
        var warnings = new List<string>(result.Warnings);
        if (session.KernelProblem is { } problem)
        {
            warnings.Insert(0, problem);
        }

        if (o.IsJson)
        {
            var json = OperatorJson.Result(result);
            json["warnings"] = OperatorJson.Strings(warnings);
            o.Json(json);
        }
        else if (result.Succeeded)
        {
            o.Line(result.Message);
            foreach (var w in warnings)
            {
                o.Warn("note: " + w);
            }
        }
        else
        {
            error.WriteLine($"portveil: {result.Message}");
        }

        return ExitCodes.Of(result.Status);
    }
}
