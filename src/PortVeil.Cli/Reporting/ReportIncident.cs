using PortVeil.Core;

namespace PortVeil.Cli.Reporting;

/// <summary>
/// One scanner verdict as the report shows it, whether it came from the daemon's database (an incident) or from a
/// capture analysed on the fly (a scanner of `analyze`).
/// </summary>
internal sealed record ReportIncident(
    string Source,
    NetAddress Address,
    bool IsPrefix,
    DateTimeOffset DecidedAt,
    ScanKind Scan,
    ScannerTool Tool,
    DetectorKind Detector,
    IReadOnlyList<ushort> PortsProbed,
    IReadOnlyList<ushort> OpenPortsReached,
    long Probes,
    string Summary,
    string? Fingerprint,
    string Origin,
    bool Banned);
