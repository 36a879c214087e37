using System.Xml.Linq;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>A written report, parsed twice: by AngleSharp's HTML5 parser (as a browser would) and by a strict XML parser.</summary>
internal sealed class ReportDocument
{
    private ReportDocument(string html, IDocument dom)
    {
        Html = html;
        Dom = dom;
    }

    public string Html { get; }

    public IDocument Dom { get; }

    public static ReportDocument Load(string path)
    {
        var html = File.ReadAllText(path);
        var parser = new HtmlParser(new HtmlParserOptions { IsStrictMode = false });
        var dom = parser.ParseDocument(html);

        // Well-formed XML: every element closed and nested, every data string escaped; this throws otherwise.
        XDocument.Parse(html);
        return new ReportDocument(html, dom);
    }

    /// <summary>The cells of a table's body rows, as text.</summary>
    public List<string[]> Rows(string tableId)
    {
        var table = Dom.GetElementById(tableId) ?? throw new InvalidOperationException($"no table #{tableId}");
        return [.. table.QuerySelectorAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent).ToArray())];
    }

    /// <summary>The labels of a ranking chart's bars (the first &lt;text&gt; of each bar group).</summary>
    public List<string> ChartLabels(string sectionId)
    {
        var section = Dom.GetElementById(sectionId) ?? throw new InvalidOperationException($"no section #{sectionId}");
        return [.. section.QuerySelectorAll("svg g").Select(g => g.QuerySelector("text.label")?.TextContent ?? "").Where(t => t.Length > 0)];
    }
}
