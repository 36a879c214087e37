using System.Globalization;
using System.Text;

namespace PortVeil.Cli.Reporting;

/// <summary>
/// Charts drawn as inline SVG on the server side, so the report needs no script library, no CDN and no network:
/// horizontal bars for rankings, columns for time series. Every label is escaped; each bar carries a
/// &lt;title&gt; tooltip with its exact value.
/// </summary>
internal static class SvgCharts
{
    private const int Width = 760;
    private const int BarHeight = 18;
    private const int BarGap = 6;
    private const int LabelWidth = 230;

    /// <summary>Horizontal bars; <paramref name="narrow"/> draws a half-width chart for the side-by-side grid.</summary>
    public static string Bars(IReadOnlyList<(string Label, long Value)> rows, string ariaLabel, bool narrow = false)
    {
        var width = narrow ? 380 : Width;
        var labelWidth = narrow ? 120 : LabelWidth;
        if (rows.Count == 0)
        {
            return "<p class=\"empty\">No data.</p>";
        }

        var max = Math.Max(1, rows.Max(r => r.Value));
        var height = rows.Count * (BarHeight + BarGap) + BarGap;
        var plot = width - labelWidth - 50;
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Html.Escape(ariaLabel)}\">"));
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, value) = rows[i];
            var y = BarGap + i * (BarHeight + BarGap);
            var w = Math.Max(1, (int)Math.Round(plot * (double)value / max));
            var text = Html.Escape(label);
            sb.Append("<g>");
            sb.Append("<title>").Append(text).Append(": ").Append(value.ToString(CultureInfo.InvariantCulture)).Append("</title>");
            sb.Append(Inv($"<text x=\"{labelWidth - 8}\" y=\"{y + 13}\" text-anchor=\"end\" class=\"label\">")).Append(text).Append("</text>");
            sb.Append(Inv($"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{w}\" height=\"{BarHeight}\" rx=\"3\" class=\"bar\"/>"));
            sb.Append(Inv($"<text x=\"{labelWidth + w + 6}\" y=\"{y + 13}\" class=\"value\">{value}</text>"));
            sb.Append("</g>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>A column per time bucket; <paramref name="bucketLabel"/> formats a bucket's start for the axis and tooltip.</summary>
    public static string Columns(IReadOnlyList<(DateTimeOffset Start, long Value)> buckets, Func<DateTimeOffset, string> bucketLabel, string unit, string ariaLabel)
    {
        ArgumentNullException.ThrowIfNull(bucketLabel);
        if (buckets.Count == 0)
        {
            return "<p class=\"empty\">No data.</p>";
        }

        const int height = 220, top = 14, bottom = 40, left = 50;
        var plotW = Width - left - 10;
        var plotH = height - top - bottom;
        var max = Math.Max(1, buckets.Max(b => b.Value));
        var step = (double)plotW / buckets.Count;
        var colW = Math.Max(1.0, step * 0.8);
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{Html.Escape(ariaLabel)}\">"));
        sb.Append(Inv($"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" class=\"axis\"/>"));
        sb.Append(Inv($"<text x=\"{left - 6}\" y=\"{top + 10}\" text-anchor=\"end\" class=\"value\">{max}</text>"));
        sb.Append(Inv($"<text x=\"{left - 6}\" y=\"{top + plotH}\" text-anchor=\"end\" class=\"value\">0</text>"));
        var labelEvery = Math.Max(1, (int)Math.Ceiling(buckets.Count / 8.0));
        for (var i = 0; i < buckets.Count; i++)
        {
            var (start, value) = buckets[i];
            var h = value == 0 ? 0 : Math.Max(1.0, plotH * (double)value / max);
            var x = left + i * step + (step - colW) / 2;
            var label = Html.Escape(bucketLabel(start));
            sb.Append("<g><title>").Append(label).Append(": ").Append(value.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Html.Escape(unit)).Append("</title>");
            sb.Append(Inv($"<rect x=\"{x:0.##}\" y=\"{top + plotH - h:0.##}\" width=\"{colW:0.##}\" height=\"{h:0.##}\" class=\"bar\"/>"));
            sb.Append("</g>");
            if (i % labelEvery == 0)
            {
                sb.Append(Inv($"<text x=\"{x:0.##}\" y=\"{top + plotH + 16}\" class=\"tick\">")).Append(label).Append("</text>");
            }
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
