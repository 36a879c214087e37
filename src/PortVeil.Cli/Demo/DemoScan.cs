namespace PortVeil.Cli.Demo;

/// <summary>What one nmap run reported: the open ports it learned, how many ports it put in each state, how long it took.</summary>
internal sealed record DemoScan(IReadOnlyList<int> OpenPorts, IReadOnlyDictionary<string, int> States, TimeSpan Duration);
