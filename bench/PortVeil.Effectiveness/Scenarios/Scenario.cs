namespace PortVeil.Effectiveness.Scenarios;

/// <summary>One kind of scan the bench runs against every protection.</summary>
/// <param name="Name">Command-line and report name.</param>
/// <param name="Command">What runs, in words (the nmap/masscan options), for the report.</param>
/// <param name="Scanners">Scanner namespaces the lab needs.</param>
/// <param name="DefaultRuns">Runs per protection without --runs: 20 for the headline -sS -T4, 3 for slow ones.</param>
/// <param name="Slow">Takes minutes per run.</param>
/// <param name="Run">Runs the scan to its end, bounded in time.</param>
internal sealed record Scenario(string Name, string Command, int Scanners, int DefaultRuns, bool Slow, Func<ScenarioContext, ScanOutcome> Run);
