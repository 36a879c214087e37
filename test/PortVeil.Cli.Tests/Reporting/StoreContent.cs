using PortVeil.Core;
using PortVeil.Storage;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>
/// A real SQLite database in a temporary directory, filled through the store API the daemon uses: an IPv4 nmap
/// SYN scanner that was banned, an IPv6 /64 masscan scanner, and optionally hostile text in every free-text field.
/// </summary>
internal sealed class StoreContent : IDisposable
{
    public const string HostileReason = "<script>alert('reason')</script>\"><img src=x onerror=alert(1)>";
    public const string HostileSummary = "</td></tr></table><script>alert(\"summary\")</script>&amp;";
    public const string HostileFingerprint = "<svg onload=alert(2)>";
    public const string HostileHost = "host<b>bold</b>";

    private readonly string _directory;

    public StoreContent(bool hostile = false)
    {
        _directory = Path.Combine(Path.GetTempPath(), $"pv-report-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        DatabasePath = Path.Combine(_directory, "portveil.db");
        Now = DateTimeOffset.UtcNow;
        V4Scanner = NetAddress.Parse("203.0.113.7");
        V6Scanner = NetAddress.Parse("2001:db8:5:6::9");
        using var store = SqliteStore.Open(new SqliteStoreOptions { Path = DatabasePath });
        var t1 = Now.AddHours(-3);
        var ban = Some.Ban(V4Scanner, t1, TimeSpan.FromHours(1), level: 1);
        store.RecordBanAsync(hostile ? ban with { Reason = HostileReason, OriginHost = HostileHost } : ban).GetAwaiter().GetResult();
        var v4Incident = Some.Incident(Some.Verdict(V4Scanner, t1, Evidence(t1, [21, 22, 23, 443, 8080], [22, 443], ScannerTool.Nmap, hostile)), ban.Id);
        store.RecordIncidentAsync(hostile ? v4Incident with { OriginHost = HostileHost } : v4Incident).GetAwaiter().GetResult();
        var t2 = Now.AddHours(-1);
        var v6Evidence = Evidence(t2, [80, 3389, 5900], [], ScannerTool.Masscan, hostile);
        store.RecordIncidentAsync(Some.Incident(Some.Verdict(SourceKey.ForPrefix64(V6Scanner), t2, v6Evidence))).GetAwaiter().GetResult();
        store.AddEventsAsync(
        [
            Some.Event(V4Scanner, t1, 900),
            Some.Event(V6Scanner, t2, 300),
        ]).GetAwaiter().GetResult();
        BanId = ban.Id;
    }

    public string DatabasePath { get; }

    public DateTimeOffset Now { get; }

    public NetAddress V4Scanner { get; }

    public NetAddress V6Scanner { get; }

    public Guid BanId { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle still open on a slow machine; the temp directory is harmless.
        }
    }

    /// <summary>The sample evidence over <paramref name="probed"/>, with hostile text in its free-text fields when asked.</summary>
    private static Evidence Evidence(DateTimeOffset decided, ushort[] probed, ushort[] open, ScannerTool tool, bool hostile) =>
        Some.Evidence(decided, probed, open, tool, summary: hostile ? HostileSummary : null, fingerprint: hostile ? HostileFingerprint : null);
}
