using PortVeil.Core;

namespace PortVeil.Cli.Analysis;

/// <summary>The result of analysing one input file.</summary>
internal sealed class FileAnalysis
{
    public required string File { get; init; }

    /// <summary>Set when the file could not be analysed at all (unreadable, unknown format).</summary>
    public string? FatalError { get; init; }

    public long Packets { get; init; }

    public ParseErrorLog Errors { get; init; } = new();

    public IReadOnlyList<ScannerReport> Scanners { get; init; } = [];

    public IReadOnlyCollection<NetAddress> LocalAddresses { get; init; } = [];

    /// <summary>Served ports guessed from a kernel log when --served was not given; null otherwise.</summary>
    public IReadOnlyList<PortSpec>? InferredServed { get; init; }

    public long FirstNs { get; init; }

    public long LastNs { get; init; }

    public bool HadBadInput => FatalError is not null || Errors.Count > 0;
}
