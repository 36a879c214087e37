using PortVeil.Core;

namespace PortVeil.Cli.Analysis;

/// <summary>One scanner found in one input, as analyze prints it.</summary>
internal sealed record ScannerReport(
    string File,
    NetAddress Source,
    string SourceText,
    ScanKind Scan,
    ScannerTool Tool,
    DetectorKind Detector,
    IReadOnlyList<ushort> PortsProbed,
    long Probes,
    int HostsProbed,
    long FirstSeenNs,
    long LastSeenNs,
    long DecidedAtNs,
    IReadOnlyList<ushort> ExposedPorts,
    Verdict Verdict);
