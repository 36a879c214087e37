using System.CommandLine;
using PortVeil.Cli.Analysis;
using PortVeil.Core;
using Spectre.Console;

namespace PortVeil.Cli.Commands;

/// <summary>
/// `portveil analyze FILE…`: who scanned this host, how, with which tool, and which open ports each scanner
/// learned, from pcap, pcapng or kernel firewall log files. Exit code 0 clean, 1 scanners found, 2 bad input.
/// </summary>
internal static class AnalyzeCommand
{
    public const int ExitClean = 0;
    public const int ExitScannersFound = 1;
    public const int ExitBadInput = 2;

    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "pcap, pcapng or kernel LOG files (IN= OUT= SRC= … DPT= lines, syslog or journal)",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "one JSON object per scanner per line, instead of a table" };
        var output = new Option<string>("--output", "-o") { Description = "table (default) or json" };
        output.AcceptOnlyFromAmong("table", "json");
        var served = new Option<string[]>("--served")
        {
            Description = "ports served on the host, for inputs without the server's replies (kernel logs): 22,443,udp/53,8000-8100",
        };
        var local = new Option<string[]>("--local")
        {
            Description = "the protected host's addresses, comma-separated (default: learned from the capture)",
        };
        var noProgress = new Option<bool>("--no-progress") { Description = "never show a progress bar" };

        var command = new Command("analyze", "Find port scans in packet captures and firewall logs.");
        command.Arguments.Add(files);
        command.Options.Add(json);
        command.Options.Add(output);
        command.Options.Add(served);
        command.Options.Add(local);
        command.Options.Add(noProgress);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var specs = new List<PortSpec>();
            foreach (var item in parse.GetValue(served) ?? [])
            {
                if (!PortSpec.TryParseList(item, specs, out var error))
                {
                    stderr.WriteLine($"--served: {error}");
                    return ExitBadInput;
                }
            }

            var locals = new List<NetAddress>();
            foreach (var item in parse.GetValue(local) ?? [])
            {
                foreach (var text in item.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!NetAddress.TryParse(text, out var a))
                    {
                        stderr.WriteLine($"--local: '{text}' is not an IPv4 or IPv6 address");
                        return ExitBadInput;
                    }

                    locals.Add(a);
                }
            }

            var asJson = parse.GetValue(json) || parse.GetValue(output) == "json";
            var showProgress = !asJson && !parse.GetValue(noProgress) && !Console.IsErrorRedirected && ReferenceEquals(stdout, Console.Out);
            var analyzer = new CaptureAnalyzer(specs, locals);
            var results = new List<FileAnalysis>();
            foreach (var file in parse.GetValue(files) ?? [])
            {
                results.Add(showProgress ? AnalyzeWithProgress(analyzer, file) : analyzer.Analyze(file));
            }

            return Report(results, asJson, stdout, stderr);
        });
        return command;
    }

    private static FileAnalysis AnalyzeWithProgress(CaptureAnalyzer analyzer, string file)
    {
        FileAnalysis? result = null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: 1);
                result = analyzer.Analyze(file, (done, total) =>
                {
                    if (total > 0)
                    {
                        task.MaxValue = total;
                        task.Value = Math.Min(done, total);
                    }
                });
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static int Report(List<FileAnalysis> results, bool asJson, TextWriter stdout, TextWriter stderr)
    {
        var badInput = false;
        var scanners = 0;
        foreach (var r in results)
        {
            badInput |= r.HadBadInput;
            scanners += r.Scanners.Count;
            if (r.FatalError is not null)
            {
                stderr.WriteLine($"error: {r.FatalError}");
            }

            foreach (var e in r.Errors.Kept)
            {
                stderr.WriteLine($"bad input: {e}");
            }

            if (r.Errors.Count > r.Errors.Kept.Count)
            {
                stderr.WriteLine($"bad input: {r.File}: {r.Errors.Count - r.Errors.Kept.Count} more bad records not shown");
            }
        }

        if (asJson)
        {
            foreach (var r in results)
            {
                foreach (var s in r.Scanners)
                {
                    stdout.WriteLine(AnalysisJsonWriter.ToJsonLine(s));
                }
            }
        }
        else
        {
            AnalysisTableWriter.Write(results, stdout);
        }

        return badInput ? ExitBadInput : scanners > 0 ? ExitScannersFound : ExitClean;
    }
}
