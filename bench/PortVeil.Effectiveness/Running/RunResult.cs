namespace PortVeil.Effectiveness.Running;

/// <summary>One run of one scenario against one protection: a line of the JSON-lines raw file.</summary>
internal sealed record RunResult
{
    public required string Scenario { get; init; }

    public required string Protection { get; init; }

    public required int Run { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    /// <summary>When the scan started, seconds since the run began (guest samples' clock).</summary>
    public required double ScanStartSeconds { get; init; }

    public required double ScanSeconds { get; init; }

    /// <summary>Ports the scanners reported "open".</summary>
    public required IReadOnlyList<int> ReportedOpen { get; init; }

    /// <summary>Served ports listed one by one as "open|filtered" (stealth scans tell them from closed ones).</summary>
    public required IReadOnlyList<int> ReportedOpenOrFiltered { get; init; }

    /// <summary>Distinct reachable ports the scanners learned: <see cref="ReportedOpen"/> ∪ <see cref="ReportedOpenOrFiltered"/>.</summary>
    public required int Revealed { get; init; }

    public required IReadOnlyList<ScannerResult> Scanners { get; init; }

    public required int GuestAttempts { get; init; }

    public required int GuestFailures { get; init; }

    /// <summary>Connect times (ms) of each guest's first, successful, connection in the run.</summary>
    public required IReadOnlyList<double> FirstConnectMs { get; init; }

    /// <summary>Connect times (ms) of the guests' later successful connections.</summary>
    public required IReadOnlyList<double> LaterConnectMs { get; init; }

    /// <summary>Guest connections that failed or took 200 ms or more, with their guest, port and start time.</summary>
    public required IReadOnlyList<GuestSample> SlowOrFailed { get; init; }

    /// <summary>Full bans of addresses that never scanned (guests, decoys, anyone else), and subnet bans holding a guest or no scanner.</summary>
    public required IReadOnlyList<string> FalseBans { get; init; }

    /// <summary>Subnet bans (a /24 or /64) holding scanners and no guest: they count as bans of those scanners, not as false bans.</summary>
    public IReadOnlyList<string> SubnetBans { get; init; } = [];

    /// <summary>The decoy addresses (spoofed by nmap -D) among <see cref="FalseBans"/>.</summary>
    public required IReadOnlyList<string> DecoysBanned { get; init; }

    /// <summary>Restricted addresses (decoy-cohort suspects) that never scanned: decoys, and anyone else (listed).</summary>
    public IReadOnlyList<string> Restricted { get; init; } = [];

    /// <summary>The decoy addresses among <see cref="Restricted"/>: restricted, not banned (a real host there still connects).</summary>
    public IReadOnlyList<string> DecoysRestricted { get; init; } = [];

    public required int BanPollErrors { get; init; }

    public string? Error { get; init; }
}
