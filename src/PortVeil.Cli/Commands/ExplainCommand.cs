using System.CommandLine;
using System.Text.Json.Nodes;
using PortVeil.Cli.Operator;
using PortVeil.Core;
using PortVeil.Daemon.Operations;
using Spectre.Console;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil explain ban ADDRESS` (why an address is banned, from the stored evidence and the live kernel set) and
/// `portveil explain rules` (the live `inet portveil` table, each set, chain and rule with one sentence).
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var command = new Command("explain", "Say in plain language why an address is banned, or what every kernel rule does.");
        command.Subcommands.Add(Ban());
        command.Subcommands.Add(Rules());
        return command;
    }

    private static Command Ban()
    {
        var options = new OperatorOptions();
        var address = new Argument<string>("address") { Description = "the IPv4 or IPv6 address to explain" };
        var command = options.AddTo(new Command("ban", "Why an address is banned: packets, ports, detector and thresholds, fingerprint, exposure, kernel rule."));
        command.Arguments.Add(address);
        OperatorVerb.SetAction(command, options, readOnly: true, async (session, parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!NetAddress.TryParse(parse.GetValue(address), out var a))
            {
                await error.WriteLineAsync($"portveil: '{parse.GetValue(address)}' is not an IPv4 or IPv6 address.");
                return ExitCodes.Invalid;
            }

            var e = await session.Actions.ExplainBanAsync(a, ct);
            var o = session.Output;
            if (o.IsJson)
            {
                o.Json(OperatorJson.Explanation(e));
            }
            else
            {
                // Plain lines, never wrapped: the account is read, quoted and pasted into tickets.
                o.Writer.WriteLine(a.ToString());
                foreach (var line in e.Account)
                {
                    o.Writer.WriteLine("  - " + line);
                }
            }

            return e.Ban is null && e.Incidents.Count == 0 ? ExitCodes.NotFound : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rules()
    {
        var options = new OperatorOptions();
        var command = options.AddTo(new Command("rules", "The live `inet portveil` table read back from the kernel, every set, chain and rule explained."));

        // The kernel alone: no database is opened (none is created, an unreachable PostgreSQL does not matter);
        // --database is still accepted, as by every operator verb, so scripts can pass the common options to all.
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var config = CliStore.LoadConfig(parse.GetValue(options.Config), null, error);
            if (config is null)
            {
                return ExitCodes.Config;
            }

            string? problem = null;
            using var kernel = parse.GetValue(options.NoKernel) ? null : OperatorSession.OpenKernel(config, parse.GetValue(options.Netns), out problem);
            if (kernel is null)
            {
                await error.WriteLineAsync($"portveil: explain rules reads the kernel table, {problem ?? "and --no-kernel was given"}.");
                return ExitCodes.Failed;
            }

            return await OperatorVerb.GuardAsync(error, async () =>
            {
                var json = await kernel.ListTableJsonAsync();
                if (json is null)
                {
                    await error.WriteLineAsync($"portveil: table inet {kernel.Ruleset.Table} does not exist: `portveil run` creates it (is the daemon running?).");
                    return ExitCodes.NotFound;
                }

                Write(new CliOutput(parse.InvocationConfiguration.Output, parse.GetValue(options.Output) == "json"), RuleSetExplainer.Explain(json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static void Write(CliOutput o, RuleSetExplanation rules)
    {
        if (o.IsJson)
        {
            o.Json(OperatorJson.Rules(rules));
            return;
        }

        o.Console.MarkupLine($"[bold]table inet {Markup.Escape(rules.Table)}[/] (nft {Markup.Escape(rules.NftVersion)}): PortVeil's own table; other tables are never touched.");
        var sets = new Table().Border(TableBorder.Rounded).Title("Sets");
        foreach (var c in (string[])["Set", "Type", "Elements", "Timeout", "What it is"])
        {
            sets.AddColumn(c);
        }

        foreach (var s in rules.Sets)
        {
            sets.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Type), s.Elements.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s.TimeoutSeconds > 0 ? OperatorActions.Format(TimeSpan.FromSeconds(s.TimeoutSeconds)) : "-",
                s.Known ? Markup.Escape(s.Explanation) : "[yellow]" + Markup.Escape(s.Explanation) + "[/]");
        }

        o.Console.Write(sets);
        foreach (var chain in rules.Chains)
        {
            o.Console.WriteLine();
            var hook = chain.Hook is null ? "regular chain" : $"hook {chain.Hook}, priority {chain.Priority}, policy {chain.Policy}";
            o.Console.MarkupLine($"[bold]chain {Markup.Escape(chain.Name)}[/] ({Markup.Escape(hook)}): {Markup.Escape(chain.Explanation)}");
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Handle");
            table.AddColumn("Rule");
            table.AddColumn("What it does");
            foreach (var r in chain.Rules)
            {
                table.AddRow(
                    r.Handle.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(r.Known ? r.Text : r.Raw),
                    r.Known ? Markup.Escape(r.Explanation) : "[yellow]" + Markup.Escape(r.Explanation) + "[/]");
            }

            o.Console.Write(table);
        }

        if (rules.UnknownRules > 0)
        {
            o.Warn($"{rules.UnknownRules} rule(s) in the table are not PortVeil's: shown raw above. The daemon's watchdog repairs its chains when it sees a change.");
        }
    }
}
