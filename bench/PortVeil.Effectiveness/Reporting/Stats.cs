using System.Globalization;

namespace PortVeil.Effectiveness.Reporting;

/// <summary>Median and max, formatted for the tables.</summary>
internal static class Stats
{
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double? Max(IEnumerable<double> values)
    {
        var any = false;
        var max = double.MinValue;
        foreach (var v in values)
        {
            any = true;
            max = Math.Max(max, v);
        }

        return any ? max : null;
    }

    /// <summary>"median / max", or "–" when there is nothing to summarise.</summary>
    public static string MedianMax(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        var median = Median(list);
        return median is null ? "–" : $"{Format(median.Value, format)} / {Format(Max(list)!.Value, format)}";
    }

    public static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
