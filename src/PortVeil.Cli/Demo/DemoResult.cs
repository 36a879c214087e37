namespace PortVeil.Cli.Demo;

/// <summary>The two scans side by side, and what PortVeil did about the second one.</summary>
/// <param name="TimeToBan">From the start of the protected scan to the daemon's ban; null when no ban was made.</param>
/// <param name="BanLine">The daemon's own ban log line (the fail2ban-compatible "[portveil] Ban …" with its explanation).</param>
internal sealed record DemoResult(
    string Server,
    string Scanner,
    IReadOnlyList<int> ServedPorts,
    DemoScan Unprotected,
    DemoScan Protected,
    TimeSpan? TimeToBan,
    string? BanLine,
    bool ScannerInBanSet)
{
    /// <summary>Errors the daemon logged during the run (normally none).</summary>
    public IReadOnlyList<string> DaemonErrors { get; init; } = [];
}
