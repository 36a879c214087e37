using System.CommandLine;
using System.Text.Json.Nodes;
using PortVeil.Cli.Operator;
using PortVeil.Daemon.Operations;
using Spectre.Console;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil allow list|add|remove`: the allowlist in force (stored operator entries, configuration, discovery) and
/// the operator's own entries, which lift any ban they cover. A running daemon loads changes within a second.
/// </summary>
internal static class AllowCommand
{
    public static Command Create()
    {
        var command = new Command("allow", "List, add or remove allowlist entries (addresses and blocks never banned).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command List()
    {
        var options = new OperatorOptions();
        var reserved = new Option<bool>("--reserved") { Description = "also list the reserved ranges (loopback, multicast) that are never banned" };
        var command = options.AddTo(new Command("list", "Every allowlist entry in force and where it comes from."), kernel: false);
        command.Options.Add(reserved);
        OperatorVerb.SetAction(command, options, readOnly: true, async (session, parse, ct) =>
        {
            var entries = await session.Actions.ListAllowAsync(parse.GetValue(reserved), ct);
            var o = session.Output;
            if (o.IsJson)
            {
                o.Json(new JsonObject { ["entries"] = new JsonArray([.. entries.Select(e => (JsonNode)OperatorJson.Allow(e))]) });
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded);
            foreach (var c in (string[])["Address or block", "Source", "Reason", "Added (UTC)"])
            {
                table.AddColumn(c);
            }

            foreach (var e in entries)
            {
                table.AddRow(Markup.Escape(e.Prefix.ToString()), e.Source, Markup.Escape(e.Reason), e.AddedAt is { } a ? $"{a.UtcDateTime:yyyy-MM-dd HH:mm:ss}" : "-");
            }

            o.Console.Write(table);
            o.Line($"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}; `portveil allow remove` works on the operator ones.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add()
    {
        var options = new OperatorOptions();
        var target = new Argument<string>("address") { Description = "an IPv4 or IPv6 address or CIDR block" };
        var comment = new Option<string>("--comment", "-m") { Description = "why it is allowed (shown by `allow list`)" };
        var command = options.AddTo(new Command("add", "Never ban an address or block; lifts the bans inside it."));
        command.Arguments.Add(target);
        command.Options.Add(comment);
        OperatorVerb.SetAction(command, options, readOnly: false, async (session, parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!OperatorVerb.TryTarget(parse.GetValue(target), error, out var prefix))
            {
                return ExitCodes.Invalid;
            }

            return BansCommand.Report(session, await session.Actions.AllowAsync(prefix, parse.GetValue(comment), ct), error);
        });
        return command;
    }

    private static Command Remove()
    {
        var options = new OperatorOptions();
        var target = new Argument<string>("address") { Description = "the address or block exactly as added" };
        var command = options.AddTo(new Command("remove", "Remove an entry added with `allow add`."), kernel: false);
        command.Arguments.Add(target);
        OperatorVerb.SetAction(command, options, readOnly: false, async (session, parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!OperatorVerb.TryTarget(parse.GetValue(target), error, out var prefix))
            {
                return ExitCodes.Invalid;
            }

            return BansCommand.Report(session, await session.Actions.DisallowAsync(prefix, ct), error);
        });
        return command;
    }
}
