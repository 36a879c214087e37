using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PortVeil.Effectiveness.Protections;
using PortVeil.Effectiveness.Reporting;
using PortVeil.Effectiveness.Running;
using PortVeil.Effectiveness.Scenarios;

namespace PortVeil.Effectiveness;

/// <summary>
/// The effectiveness bench: real scanners against a lab server in network namespaces this process creates, under
/// each protection, with benign guests connecting throughout. Writes a markdown table per scenario and a JSON-lines
/// raw file. Run it through bench/effectiveness/run.sh (as root).
/// </summary>
internal static class Program
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static int Main(string[] args)
    {
        // Guests, the ban watcher and the scan block pool threads (namespace threads joined, processes waited on);
        // on 2 cores the pool starts with 2 and adds about one a second, which delayed guest connects by seconds
        // with --parallel (measured 2026-11-25: first connects of 3-5 s under `none`). Start with enough.
        ThreadPool.SetMinThreads(64, 64);
        var runs = new Option<int?>("--runs") { Description = "Runs per scenario and protection (default: 20 for syn-t4, 3 for slow scenarios, 5 for the rest)" };
        var scenarios = new Option<string>("--scenarios") { Description = "Comma-separated scenarios, or 'all'", DefaultValueFactory = _ => "all" };
        var protections = new Option<string>("--protections") { Description = "Comma-separated: none, recipe, portveil-gating, portveil-nogating, or 'all'", DefaultValueFactory = _ => "all" };
        var quick = new Option<bool>("--quick") { Description = "Shortest port lists, and 1 run each unless --runs says otherwise" };
        var parallel = new Option<bool>("--parallel") { Description = "Run none and recipe beside the PortVeil protections (one lab each; the two daemons still take turns): about 2x faster, noisier latencies" };
        var output = new Option<string>("--out") { Description = "Directory for results-*.md and raw-*.jsonl", DefaultValueFactory = _ => "bench/effectiveness/results" };
        var list = new Option<bool>("--list") { Description = "List the scenarios and exit" };
        var root = new RootCommand("PortVeil effectiveness bench: real scans against a protected lab server in namespaces")
        {
            runs, scenarios, protections, quick, parallel, output, list,
        };
        root.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                foreach (var s in ScenarioCatalog.All)
                {
                    Console.WriteLine($"{s.Name,-14} runs {s.DefaultRuns,2}{(s.Slow ? " slow" : "     ")}  {s.Command}");
                }

                return 0;
            }

            if (!Environment.IsPrivilegedProcess)
            {
                Console.Error.WriteLine("run as root: the bench creates network namespaces, nftables tables and ipsets (inside them only)");
                return 77;
            }

            var chosenScenarios = Choose(parse.GetValue(scenarios)!, ScenarioCatalog.All, ScenarioCatalog.Find);
            var chosenProtections = Choose(parse.GetValue(protections)!, ProtectionNames.All, ProtectionNames.Parse);
            var commandLine = "bench/effectiveness/run.sh " + string.Join(' ', args);
            return RunAllAsync(chosenScenarios, chosenProtections, parse.GetValue(runs), parse.GetValue(quick), parse.GetValue(parallel), parse.GetValue(output)!, commandLine)
                .GetAwaiter().GetResult();
        });
        return root.Parse(args).Invoke();
    }

    private static List<T> Choose<T>(string text, IReadOnlyList<T> all, Func<string, T> parse) =>
        text.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? [.. all]
            : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse)];

    private static async Task<int> RunAllAsync(List<Scenario> scenarios, List<ProtectionKind> protections, int? runs, bool quick, bool parallel, string output, string commandLine)
    {
        var started = DateTimeOffset.UtcNow;
        Directory.CreateDirectory(output);
        var stamp = started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var rawPath = Path.Combine(output, $"raw-{stamp}.jsonl");
        var mdPath = Path.Combine(output, $"results-{stamp}.md");
        var results = new List<RunResult>();
        await using var raw = new StreamWriter(rawPath);
        foreach (var scenario in scenarios)
        {
            var count = runs ?? (quick ? 1 : scenario.DefaultRuns);
            for (var run = 1; run <= count; run++)
            {
                var batch = new List<RunResult>();
                if (parallel)
                {
                    // Two PortVeil daemons at once in one process crash it inside libnftables (json.c:71
                    // set_dtype_json assertion, seen 2026-11-25), so the PortVeil protections run one after the
                    // other, beside the others.
                    var daemons = protections.Where(IsPortVeil).ToList();
                    var tasks = protections.Where(p => !IsPortVeil(p)).Select(p => Task.Run(() => OneAsync(scenario, p, run, quick))).ToList();
                    tasks.Add(Task.Run(async () =>
                    {
                        var sequential = new List<RunResult>();
                        foreach (var p in daemons)
                        {
                            sequential.AddRange(await OneAsync(scenario, p, run, quick));
                        }

                        return sequential;
                    }));
                    foreach (var done in await Task.WhenAll(tasks))
                    {
                        batch.AddRange(done);
                    }
                }
                else
                {
                    foreach (var p in protections)
                    {
                        batch.Add(await BenchRunner.RunAsync(scenario, p, run, quick));
                    }
                }

                foreach (var r in batch)
                {
                    results.Add(r);
                    await raw.WriteLineAsync(JsonSerializer.Serialize(r, Json));
                    Console.WriteLine(Line(r));
                }

                await raw.FlushAsync();
            }

            // Rewritten after every scenario, so an interrupted run still leaves its tables.
            await File.WriteAllTextAsync(mdPath, ResultTables.Render(results, scenarios, commandLine, started));
        }

        Console.WriteLine($"results: {mdPath}\nraw:     {rawPath}");
        return 0;
    }

    private static bool IsPortVeil(ProtectionKind kind) => kind is ProtectionKind.PortVeilGating or ProtectionKind.PortVeilNoGating or ProtectionKind.PortVeilGatingNoUdp;

    private static async Task<List<RunResult>> OneAsync(Scenario scenario, ProtectionKind kind, int run, bool quick) =>
        [await BenchRunner.RunAsync(scenario, kind, run, quick)];

    private static string Line(RunResult r)
    {
        var bans = string.Join(' ', r.Scanners.Select(s => s.BannedAfterSeconds is null ? $"{s.Address}:-" : $"{s.Address}:{s.BannedAfterSeconds:0.0}s/{s.Probes?.ToString(CultureInfo.InvariantCulture) ?? "?"}p"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Scenario,-13} {r.Protection,-18} run {r.Run,2}: scan {r.ScanSeconds,6:0.0}s open [{string.Join(',', r.ReportedOpen)}] o|f [{string.Join(',', r.ReportedOpenOrFiltered)}] bans {bans} guests {r.GuestAttempts - r.GuestFailures}/{r.GuestAttempts} first [{string.Join(',', r.FirstConnectMs.Select(m => m.ToString("0", CultureInfo.InvariantCulture)))}]ms slow [{string.Join(' ', r.SlowOrFailed.Select(g => $"{g.Guest}:{g.Port}@{g.AtSeconds - r.ScanStartSeconds:0.0}s={g.Milliseconds:0}ms{(g.Success ? "" : "!")}"))}] false [{string.Join(',', r.FalseBans)}] subnet [{string.Join(',', r.SubnetBans)}] dns {r.GuestDnsLookups - r.GuestDnsFailures}/{r.GuestDnsLookups}{(r.Served.Count > 0 ? " served [" + string.Join(' ', r.Served) + "]" : "")}{(r.Error is null ? "" : " ERROR " + r.Error)}");
    }
}
