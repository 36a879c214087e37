using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PortVeil.Cli.Demo;
using Spectre.Console;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil demo [--ports LIST] [--output text|json]`: builds a throwaway lab in network namespaces (documentation
/// addresses, no default route), runs the same real nmap scan against an unprotected server and against the same
/// server protected by an in-process PortVeil daemon, and shows the two side by side. Everything is removed
/// afterwards, also on Ctrl+C or failure. Needs root and nmap. Exit 0 when PortVeil hid every open port, 1 when
/// the protected scan still saw one, 2 when the demo could not run.
/// </summary>
internal static class DemoCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var ports = new Option<string>("--ports", "-p")
        {
            Description = "ports nmap scans (nmap -p syntax)",
            DefaultValueFactory = _ => "1-1000,8080",
        };
        ports.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>() ?? "";
            if (value.Length == 0 || value.Length > 200 || !value.All(c => char.IsAsciiDigit(c) || c is ',' or '-'))
            {
                r.AddError("--ports takes digits, commas and dashes only, such as 1-1000,8080");
            }
        });
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("demo", "Scan a throwaway server with real nmap, unprotected and then protected by PortVeil, and show the difference (root, nmap).");
        command.Options.Add(ports);
        command.Options.Add(output);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var json = parse.GetValue(output) == "json";

            // Return a task to System.CommandLine at once: until the action returns one, Ctrl+C is not routed to
            // our cancellation token and kills the process outright, leaving the lab's namespaces behind.
            await Task.Yield();
            try
            {
                DemoRunner.CheckPrerequisites();
                var runner = new DemoRunner(parse.GetValue(ports)!, line => (json ? error : writer).WriteLine(line));
                var result = await runner.RunAsync(cancellationToken);
                if (json)
                {
                    WriteJson(writer, result);
                }
                else
                {
                    WriteTable(writer, result);
                }

                foreach (var e in result.DaemonErrors)
                {
                    await error.WriteLineAsync("daemon: " + e);
                }

                return result.Protected.OpenPorts.Count == 0 ? 0 : 1;
            }
            catch (DemoException e)
            {
                await error.WriteLineAsync("portveil demo: " + e.Message);
                return 2;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("portveil demo: cancelled; the lab was removed");
                return 130;
            }
        });
        return command;
    }

    private static void WriteJson(TextWriter writer, DemoResult r)
    {
        writer.WriteLine(JsonSerializer.Serialize(new
        {
            server = r.Server,
            scanner = r.Scanner,
            served_ports = r.ServedPorts,
            unprotected = Scan(r.Unprotected),
            @protected = new
            {
                open_ports = r.Protected.OpenPorts,
                states = r.Protected.States,
                scan_seconds = Seconds(r.Protected.Duration),
                banned = r.ScannerInBanSet,
                seconds_to_ban = r.TimeToBan is { } t ? Seconds(t) : (double?)null,
                ban_line = r.BanLine,
            },
        }, Json));

        static object Scan(DemoScan s) => new { open_ports = s.OpenPorts, states = s.States, scan_seconds = Seconds(s.Duration) };
    }

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 2);

    private static void WriteTable(TextWriter writer, DemoResult r)
    {
        var terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            console.Profile.Width = 120;
        }

        var table = new Table().AddColumn("").AddColumn("unprotected").AddColumn("protected by PortVeil");
        table.AddRow("open ports nmap saw", Ports(r.Unprotected.OpenPorts), Ports(r.Protected.OpenPorts));
        table.AddRow("port states", States(r.Unprotected), States(r.Protected));
        table.AddRow("scan took", Time(r.Unprotected.Duration), Time(r.Protected.Duration));
        table.AddRow("scanner banned", "-", r.ScannerInBanSet
            ? "yes" + (r.TimeToBan is { } t ? $", {Time(t)} after the scan started" : "")
            : "no");
        console.MarkupLine($"Server {Markup.Escape(r.Server)} serves {Markup.Escape(Ports(r.ServedPorts))} (8080 is DNATed to a container); scanner {Markup.Escape(r.Scanner)}.");
        console.Write(table);
        if (r.BanLine is not null)
        {
            console.MarkupLine("[bold]Why:[/] " + Markup.Escape(r.BanLine));
        }

        console.MarkupLine(r.Protected.OpenPorts.Count == 0
            ? "With PortVeil the scanner learned [bold]no open port[/]; the lab is removed."
            : $"[yellow]With PortVeil the scanner still saw {Markup.Escape(Ports(r.Protected.OpenPorts))}[/]; the lab is removed.");
    }

    private static string Ports(IReadOnlyList<int> ports) =>
        ports.Count == 0 ? "none" : string.Join(", ", ports.Select(p => p.ToString(CultureInfo.InvariantCulture)));

    private static string States(DemoScan s) =>
        string.Join(", ", s.States.Select(kv => $"{kv.Value.ToString(CultureInfo.InvariantCulture)} {kv.Key}"));

    private static string Time(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
