namespace PortVeil.Cli.Reporting;

/// <summary>One source's incidents merged, for the top-sources and exposure tables.</summary>
internal sealed class ScannerSummary(string source)
{
    public string Source { get; } = source;

    public int Incidents { get; set; }

    public long Probes { get; set; }

    public SortedSet<ushort> Ports { get; } = [];

    /// <summary>Open ports the scanner reached: what it learned about this host.</summary>
    public SortedSet<ushort> Exposed { get; } = [];

    public SortedSet<string> Scans { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Tools { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Detectors { get; } = new(StringComparer.Ordinal);

    public bool Banned { get; set; }

    public DateTimeOffset First { get; set; }

    public DateTimeOffset Last { get; set; }
}
