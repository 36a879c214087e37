using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>
/// `portveil report` from the database the configuration's [storage] selects, filled through the store API the
/// daemon uses; run on SQLite by SqliteReportFromDatabaseTests and on PostgreSQL by PostgresReportFromDatabaseTests.
/// </summary>
public abstract class ReportFromDatabaseTests(OperatorState state) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pv-report-out-").FullName;

    protected OperatorState State { get; } = state;

    public void Dispose()
    {
        State.Dispose();
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void A_report_from_the_configured_database_shows_incidents_bans_subnets_and_probes()
    {
        _ = new StoreContent(State);
        var output = Path.Combine(_dir, "db.html");

        var (exit, stdout, err) = State.Run("report", "--since", "1d", "--output", output);

        Assert.True(exit == 0, err);
        Assert.Contains("2 incident(s), 1 ban(s)", stdout, StringComparison.Ordinal);
        var report = ReportDocument.Load(output);
        Assert.Contains(State.Backend == Storage.StorageBackend.Sqlite ? State.DatabasePath : "/" + State.PostgresDatabase, report.Html, StringComparison.Ordinal);
        var exposure = report.Rows("exposure-table").ToDictionary(r => r[0], StringComparer.Ordinal);
        Assert.Equal(["2001:db8:5:6::/64", "203.0.113.7"], exposure.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("22,443", exposure["203.0.113.7"][8]);
        Assert.Equal("yes", exposure["203.0.113.7"][9]);
        Assert.Equal("none", exposure["2001:db8:5:6::/64"][8]);
        Assert.Equal("masscan", exposure["2001:db8:5:6::/64"][2]);
        var subnets = report.ChartLabels("top-subnets");
        Assert.Contains("203.0.113.0/24", subnets);
        Assert.Contains("2001:db8:5:6::/64", subnets);
        var bans = report.Rows("bans-table");
        var ban = Assert.Single(bans);
        Assert.Equal("203.0.113.7", ban[0]);
        Assert.Equal("1", ban[6]);
        Assert.NotNull(report.Dom.GetElementById("probes"));
        Assert.Equal(2, report.Rows("incidents-table").Count);
    }

    [Fact]
    public void A_report_for_a_period_without_the_incidents_leaves_them_out()
    {
        _ = new StoreContent(State);
        var output = Path.Combine(_dir, "recent.html");

        var (exit, _, err) = State.Run("report", "--since", "2h", "--output", output);

        Assert.True(exit == 0, err);
        var rows = ReportDocument.Load(output).Rows("incidents-table");
        Assert.Equal("2001:db8:5:6::/64", Assert.Single(rows)[1]);
    }

    [Fact]
    public void Hostile_strings_from_the_database_are_escaped_and_never_become_markup()
    {
        _ = new StoreContent(State, hostile: true);
        var output = Path.Combine(_dir, "hostile.html");

        var (exit, _, err) = State.Run("report", "--since", "1d", "--output", output);

        Assert.True(exit == 0, err);
        var report = ReportDocument.Load(output);
        // Only the report's own script element exists, and no element came from data.
        Assert.Single(report.Dom.QuerySelectorAll("script"));
        Assert.Empty(report.Dom.QuerySelectorAll("img, b, body svg[onload], [onerror], [onload]"));
        Assert.Equal(StoreContent.HostileReason, report.Rows("bans-table").Single()[8]);
        Assert.All(report.Rows("incidents-table"), r => Assert.Equal(StoreContent.HostileSummary, r[8]));
        Assert.Contains(report.Rows("incidents-table"), r => r[3].Contains(StoreContent.HostileFingerprint, StringComparison.Ordinal) && r[9] == StoreContent.HostileHost);
        Assert.DoesNotContain("<script>alert", report.Html, StringComparison.Ordinal);
    }
}
