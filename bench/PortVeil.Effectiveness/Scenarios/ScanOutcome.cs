namespace PortVeil.Effectiveness.Scenarios;

/// <summary>What the scanners learned, and who scanned.</summary>
/// <param name="ReportedOpen">Ports a scanner reported in state "open" (union over the scenario's scanners).</param>
/// <param name="ReportedOpenOrFiltered">Ports listed one by one as "open|filtered" (FIN/NULL/XMAS/UDP): told apart from closed ones.</param>
/// <param name="Scanners">Addresses that really scanned (their bans are the point).</param>
/// <param name="Decoys">Spoofed decoy addresses (innocents: a ban of one is a false ban).</param>
internal sealed record ScanOutcome(
    IReadOnlyList<int> ReportedOpen,
    IReadOnlyList<int> ReportedOpenOrFiltered,
    IReadOnlyList<string> Scanners,
    IReadOnlyList<string> Decoys);
