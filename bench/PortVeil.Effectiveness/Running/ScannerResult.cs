namespace PortVeil.Effectiveness.Running;

/// <summary>One real scanner's fate in a run.</summary>
/// <param name="Address">The scanner's address.</param>
/// <param name="BannedAfterSeconds">From the scan's start to the first poll that saw it in a kernel ban set; null if never banned.</param>
/// <param name="Probes">Probes counted before the verdict, from the incident's evidence (PortVeil only).</param>
/// <param name="EvidenceSeconds">First probe to verdict, from the evidence's timestamps (PortVeil only).</param>
/// <param name="Detector">The detector that decided (PortVeil only).</param>
internal sealed record ScannerResult(string Address, double? BannedAfterSeconds, int? Probes, double? EvidenceSeconds, string? Detector);
