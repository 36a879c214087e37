using System.Diagnostics;
using PortVeil.Effectiveness.Protections;
using PortVeil.Effectiveness.Scenarios;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Running;

/// <summary>
/// One run: a fresh lab (so every guest is never-seen and no ban carries over), the services, the protection,
/// guests connecting throughout, the scan, a settle period, then the measurements. Everything is torn down, also
/// when the scan fails.
/// </summary>
internal static class BenchRunner
{
    /// <summary>Benign guests per run (192.0.2.21-23).</summary>
    public const int Guests = 3;

    // Guests make their first connection before the scan starts, so "first connection" is measured on its own.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    // After the scan: time for the last verdicts to become bans, and for guests to show they still get in.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task<RunResult> RunAsync(Scenario scenario, ProtectionKind kind, int run, bool quick)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var lab = LabTopology.Builder().WithScanners(scenario.Scanners).WithClients(Guests).WithContainer().Build();
        using var services = LabServices.Start(lab);
        await using var protection = await ApplyAsync(kind, lab);
        var served = await protection.ServedAsync();
        var watcher = BanWatcher.Start(protection, clock);
        var guests = GuestTraffic.Start(lab, clock, seed: run * 100);

        await Task.Delay(WarmUp);
        var scanStart = clock.Elapsed.TotalSeconds;
        ScanOutcome? outcome = null;
        string? error = null;
        try
        {
            outcome = await Task.Run(() => scenario.Run(new ScenarioContext(lab, quick)));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or AggregateException or ArgumentException)
        {
            error = e.Message;
        }

        var scanSeconds = clock.Elapsed.TotalSeconds - scanStart;
        await Task.Delay(Settle);
        var all = await guests.StopAsync();
        var samples = all.Where(s => s.Protocol == "tcp").ToList();
        var lookups = all.Where(s => s.Protocol == "udp").ToList();
        var (firstSeen, firstRestricted) = await watcher.StopAsync();
        var evidence = await protection.EvidenceAsync();

        var scannerAddresses = outcome?.Scanners ?? [.. lab.Scanners.Take(scenario.Scanners).Select(s => s.IPv4)];
        var decoys = outcome?.Decoys ?? [];
        // A scanner restricted as a decoy-cohort suspect counts as banned: its raw probes are dropped from then on.
        var scanners = scannerAddresses.Select(a => new ScannerResult(
            a,
            FirstOf(firstSeen, firstRestricted, a) is { } at ? Math.Max(0, at - scanStart) : null,
            evidence.TryGetValue(a, out var e) ? e.Probes : null,
            evidence.TryGetValue(a, out var e2) ? e2.SecondsFirstProbeToVerdict : null,
            evidence.TryGetValue(a, out var e3) ? e3.Detector : null)).ToList();
        // A subnet ban (the scanners' /24) is a false ban only when it also covers a guest, or no scanner at all.
        var guestAddresses = lab.Clients.Select(c => c.IPv4).ToList();
        var falseBans = firstSeen.Keys.Where(b => !Covers(b, scannerAddresses) || Covers(b, guestAddresses)).Order(StringComparer.Ordinal).ToList();
        var subnetBans = firstSeen.Keys.Where(b => b.Contains('/', StringComparison.Ordinal) && !falseBans.Contains(b)).Order(StringComparer.Ordinal).ToList();
        var open = outcome?.ReportedOpen ?? [];
        var openOrFiltered = outcome?.ReportedOpenOrFiltered ?? [];

        return new RunResult
        {
            Scenario = scenario.Name,
            Protection = ProtectionNames.Name(kind),
            Run = run,
            StartedUtc = started,
            ScanStartSeconds = Math.Round(scanStart, 3),
            ScanSeconds = Math.Round(scanSeconds, 3),
            ReportedOpen = open,
            ReportedOpenOrFiltered = openOrFiltered,
            Revealed = open.Concat(openOrFiltered).Distinct().Count(),
            Scanners = scanners,
            GuestAttempts = samples.Count,
            GuestFailures = samples.Count(s => !s.Success),
            FirstConnectMs = [.. samples.Where(s => s.First && s.Success).Select(s => Math.Round(s.Milliseconds, 2))],
            LaterConnectMs = [.. samples.Where(s => !s.First && s.Success).Select(s => Math.Round(s.Milliseconds, 2))],
            SlowOrFailed = [.. all.Where(s => !s.Success || s.Milliseconds >= 200)],
            Served = served,
            GuestDnsLookups = lookups.Count,
            GuestDnsFailures = lookups.Count(s => !s.Success),
            DnsMs = [.. lookups.Where(s => s.Success).Select(s => Math.Round(s.Milliseconds, 2))],
            FalseBans = falseBans,
            SubnetBans = subnetBans,
            DecoysBanned = [.. falseBans.Where(decoys.Contains)],
            Restricted = [.. firstRestricted.Keys.Where(a => !scannerAddresses.Contains(a)).Order(StringComparer.Ordinal)],
            DecoysRestricted = [.. firstRestricted.Keys.Where(decoys.Contains).Order(StringComparer.Ordinal)],
            BanPollErrors = watcher.Errors,
            Error = error,
        };
    }

    /// <summary>
    /// When <paramref name="address"/> was first seen banned (on its own, or inside a banned subnet such as the
    /// scanners' /24) or restricted, whichever came first.
    /// </summary>
    private static double? FirstOf(IReadOnlyDictionary<string, double> banned, IReadOnlyDictionary<string, double> restricted, string address)
    {
        double? first = null;
        foreach (var (entry, at) in banned.Concat(restricted))
        {
            if (Covers(entry, [address]) && (first is null || at < first))
            {
                first = at;
            }
        }

        return first;
    }

    /// <summary>True when the ban entry (an address, or a subnet like "198.51.100.0/24") holds one of <paramref name="addresses"/>.</summary>
    private static bool Covers(string entry, IReadOnlyList<string> addresses)
    {
        if (!entry.Contains('/', StringComparison.Ordinal))
        {
            return addresses.Contains(entry);
        }

        var network = System.Net.IPNetwork.Parse(entry);
        return addresses.Any(a => network.Contains(System.Net.IPAddress.Parse(a)));
    }

    private static async Task<IProtection> ApplyAsync(ProtectionKind kind, LabTopology lab) => kind switch
    {
        ProtectionKind.None => new NoProtection(),
        ProtectionKind.Recipe => RecipeFirewall.Apply(lab.Server),
        ProtectionKind.PortVeilGating => await PortVeilProtection.StartAsync(lab, gating: true),
        ProtectionKind.PortVeilNoGating => await PortVeilProtection.StartAsync(lab, gating: false),
        ProtectionKind.PortVeilGatingNoUdp => await PortVeilProtection.StartAsync(lab, gating: true, gateUdp: false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
