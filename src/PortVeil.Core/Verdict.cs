namespace PortVeil.Core;

/// <summary>The engine's decision that a source (or a group of sources) is scanning, with its evidence.</summary>
public sealed class Verdict
{
    public required SourceKey Source { get; init; }

    public required ScanKind Scan { get; init; }

    public required DetectorKind Detector { get; init; }

    public ScannerTool Tool { get; init; }

    /// <summary>Packet time of the event that decided.</summary>
    public required long DecidedAtNs { get; init; }

    public required Evidence Evidence { get; init; }

    /// <summary>
    /// True when the source address is corroborated (it completed a handshake or answered us), false when every
    /// packet could have been spoofed. Policy never bans on a single unverified SYN.
    /// </summary>
    public bool SourceVerified { get; init; }

    /// <summary>
    /// True when the source is one of several unverified sources whose probes hit the same ports within
    /// milliseconds of each other (nmap -D decoys): all but one of them are probably forged, so policy restricts
    /// them instead of banning. The other members are in <see cref="Evidence.GroupMembers"/>.
    /// </summary>
    public bool DecoyCohort { get; init; }

    public override string ToString() =>
        $"{Source} {ScanNames.Of(Scan)} by {ScanNames.Of(Detector)} ({ScanNames.Of(Tool)}): {Evidence.Summary}";
}
