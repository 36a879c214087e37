using PortVeil.Core;
using Spectre.Console;

namespace PortVeil.Cli.Analysis;

/// <summary>The human summary of analyze: one table of scanners per input, and a line of totals.</summary>
internal static class AnalysisTableWriter
{
    public static void Write(IReadOnlyList<FileAnalysis> results, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
        {
            console.Profile.Width = 160;
        }

        foreach (var r in results)
        {
            if (r.FatalError is not null)
            {
                console.MarkupLine($"[red]{Markup.Escape(r.File)}: not analysed[/]");
                continue;
            }

            var span = r.Packets > 0 ? Timestamps.Span(r.FirstNs, r.LastNs) : "-";
            var hosts = r.LocalAddresses.Count == 0 ? "?" : string.Join(", ", r.LocalAddresses.Take(3)) + (r.LocalAddresses.Count > 3 ? $" (+{r.LocalAddresses.Count - 3})" : "");
            console.MarkupLine(
                $"[bold]{Markup.Escape(r.File)}[/]: {r.Packets:N0} packets over {span}, host {Markup.Escape(hosts)}, " +
                $"{r.Errors.Count} bad records, [bold]{r.Scanners.Count} scanner(s)[/]");
            if (r.InferredServed is not null)
            {
                console.MarkupLine(
                    $"[yellow]A kernel log holds no replies; served ports were guessed as {Markup.Escape(ServedPortInference.Describe(r.InferredServed))}. " +
                    "Pass --served with the ports this host really serves for exact results.[/]");
            }

            if (r.Scanners.Count == 0)
            {
                console.WriteLine();
                continue;
            }

            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("Source");
            table.AddColumn("Scan");
            table.AddColumn("Tool");
            table.AddColumn(new TableColumn("Ports probed").RightAligned());
            table.AddColumn("Open ports learned (exposure)");
            table.AddColumn("Detector");
            table.AddColumn(new TableColumn("Probes to verdict").RightAligned());
            table.AddColumn("First seen (UTC)");
            table.AddColumn("Span");
            foreach (var s in r.Scanners)
            {
                table.AddRow(
                    Markup.Escape(s.SourceText),
                    ScanNames.Of(s.Scan),
                    ScanNames.Of(s.Tool),
                    s.HostsProbed > 1 ? $"{s.PortsProbed.Count} on {s.HostsProbed} hosts" : $"{s.PortsProbed.Count}",
                    Markup.Escape(PortList.Format(s.ExposedPorts)),
                    ScanNames.Of(s.Detector),
                    $"{s.Verdict.Evidence.Probes} in {Timestamps.Span(s.FirstSeenNs, s.DecidedAtNs)}",
                    Timestamps.ToDateTime(s.FirstSeenNs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    Timestamps.Span(s.FirstSeenNs, s.LastSeenNs));
            }

            console.Write(table);
            foreach (var s in r.Scanners)
            {
                console.MarkupLine($"  [grey]{Markup.Escape(s.SourceText)}: {Markup.Escape(s.Verdict.Evidence.Summary)}[/]");
            }

            console.WriteLine();
        }
    }
}
