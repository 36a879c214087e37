using System.Globalization;
using System.Text;
using PortVeil.Effectiveness.Running;

namespace PortVeil.Effectiveness.Reporting;

/// <summary>The markdown results: one table per scenario, one row per protection, median and max over runs.</summary>
internal static class ResultTables
{
    public static string Render(IReadOnlyList<RunResult> results, IEnumerable<Scenarios.Scenario> scenarios, string commandLine, DateTimeOffset started)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"Command: `{commandLine}`  \nStarted: {started:yyyy-MM-dd HH:mm} UTC, finished: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC  \n");
        md.Append(CultureInfo.InvariantCulture, $"Host: {Environment.ProcessorCount} cores, {Environment.OSVersion}\n\n");
        md.Append("Cells are `median / max` over runs. Columns: docs/effectiveness.md.\n");
        foreach (var scenario in scenarios)
        {
            var rows = results.Where(r => r.Scenario == scenario.Name).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            md.Append(CultureInfo.InvariantCulture, $"\n### {scenario.Name}\n\n{scenario.Command}\n\n");
            md.Append("| protection | runs | open ports revealed | probes before ban | s to ban | scanners banned | guest failures | first connect ms (extra vs none) | later connect ms (extra vs none) | false bans | decoys restricted | errors |\n");
            md.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            var baseline = rows.Where(r => r.Protection == "none").ToList();
            var baseFirst = Stats.Median(baseline.SelectMany(r => r.FirstConnectMs));
            var baseLater = Stats.Median(baseline.SelectMany(r => r.LaterConnectMs));
            foreach (var group in rows.GroupBy(r => r.Protection))
            {
                var runs = group.ToList();
                var banned = runs.Sum(r => r.Scanners.Count(s => s.BannedAfterSeconds is not null));
                var scanners = runs.Sum(r => r.Scanners.Count);

                // Per run: the most probes any one scanner got in, and the time until the last scanner was banned.
                var probes = runs.Select(r => r.Scanners.Where(s => s.Probes is not null).Select(s => (double)s.Probes!.Value))
                    .Where(p => p.Any()).Select(p => p.Max());
                var toBan = runs.Select(r => r.Scanners.Where(s => s.BannedAfterSeconds is not null).Select(s => s.BannedAfterSeconds!.Value))
                    .Where(p => p.Any()).Select(p => p.Max());
                var falseBans = runs.SelectMany(r => r.FalseBans).ToList();
                var decoys = runs.Sum(r => r.DecoysBanned.Count);
                var errors = runs.Count(r => r.Error is not null);
                md.Append(CultureInfo.InvariantCulture, $"| {group.Key} | {runs.Count} ");
                md.Append(CultureInfo.InvariantCulture, $"| {Stats.MedianMax(runs.Select(r => (double)r.Revealed), "0")} ");
                md.Append(CultureInfo.InvariantCulture, $"| {Stats.MedianMax(probes, "0")} ");
                md.Append(CultureInfo.InvariantCulture, $"| {Stats.MedianMax(toBan, "0.0")} ");
                md.Append(CultureInfo.InvariantCulture, $"| {banned}/{scanners} ");
                md.Append(CultureInfo.InvariantCulture, $"| {Stats.MedianMax(runs.Select(r => (double)r.GuestFailures), "0")} ");
                md.Append(CultureInfo.InvariantCulture, $"| {Delay(runs.SelectMany(r => r.FirstConnectMs), baseFirst)} ");
                md.Append(CultureInfo.InvariantCulture, $"| {Delay(runs.SelectMany(r => r.LaterConnectMs), baseLater)} ");
                var subnetBans = runs.SelectMany(r => r.SubnetBans).Distinct().ToList();
                md.Append(CultureInfo.InvariantCulture, $"| {falseBans.Count}{(decoys > 0 ? $" ({decoys} decoys)" : "")}{(falseBans.Count > 0 ? ": " + string.Join(' ', falseBans.Distinct()) : "")}{(subnetBans.Count > 0 ? $" (scanners' subnet banned in {runs.Count(r => r.SubnetBans.Count > 0)} runs: {string.Join(' ', subnetBans)})" : "")} ");
                var restrictedDecoys = runs.Sum(r => r.DecoysRestricted.Count);
                var restrictedOthers = runs.SelectMany(r => r.Restricted.Where(a => !r.DecoysRestricted.Contains(a))).Distinct().ToList();
                md.Append(CultureInfo.InvariantCulture, $"| {restrictedDecoys}{(restrictedOthers.Count > 0 ? " + others: " + string.Join(' ', restrictedOthers) : "")} ");
                md.Append(CultureInfo.InvariantCulture, $"| {errors} |\n");
            }

            // Errors are rare and matter: list them under the table, not hidden in the raw file.
            foreach (var r in rows.Where(r => r.Error is not null))
            {
                md.Append(CultureInfo.InvariantCulture, $"\n- {r.Protection} run {r.Run}: {Truncate(r.Error!)}");
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    private static string Delay(IEnumerable<double> samples, double? baseline)
    {
        var list = samples.ToList();
        var median = Stats.Median(list);
        if (median is null)
        {
            return "–";
        }

        var text = Stats.MedianMax(list, "0.0");
        return baseline is null ? text : $"{text} ({Signed(median.Value - baseline.Value)} / {Signed(Stats.Max(list)!.Value - baseline.Value)})";
    }

    private static string Signed(double value) => (value >= 0 ? "+" : "") + Stats.Format(value, "0.0");

    private static string Truncate(string text) =>
        (text.Length > 300 ? text[..300] + "…" : text).Replace('\n', ' ').Replace('|', '/');
}
