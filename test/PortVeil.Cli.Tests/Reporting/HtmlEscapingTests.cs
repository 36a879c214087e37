using System.Xml.Linq;
using PortVeil.Cli.Reporting;
using PortVeil.Core;

namespace PortVeil.Cli.Tests.Reporting;

/// <summary>Text from data that XML cannot hold (controls, broken surrogates) still yields a well-formed report.</summary>
public sealed class HtmlEscapingTests
{
    [Theory]
    [InlineData("nul\0byte", "nul\uFFFDbyte")]
    [InlineData("\u001b[31mred\u001b[0m", "\uFFFD[31mred\uFFFD[0m")]
    [InlineData("pair \uD83D\uDE00 ok", "pair \uD83D\uDE00 ok")]
    [InlineData("a&b<c>d\"e'f", "a&b<c>d\"e'f")]
    public void Hostile_text_in_a_reason_survives_as_text_in_a_well_formed_document(string reason, string shown) => Check(reason, shown);

    [Fact]
    public void Lone_surrogates_become_replacement_characters()
    {
        // Built here, not in [InlineData]: the test runner's own serialisation would replace them before the test runs.
        Check("lone " + (char)0xD800 + " high", "lone \uFFFD high");
        Check("lone " + (char)0xDC00 + " low", "lone \uFFFD low");
        Check("end " + (char)0xD800, "end \uFFFD");
    }

    private static void Check(string reason, string shown)
    {
        var data = new ReportData
        {
            Title = reason,
            InputDescription = reason,
            GeneratedAt = DateTimeOffset.UtcNow,
            HasBanData = true,
            Incidents =
            [
                new ReportIncident(reason, NetAddress.Parse("203.0.113.9"), false, DateTimeOffset.UtcNow, ScanKind.Syn, ScannerTool.Nmap,
                    DetectorKind.Trw, [22], [], 3, reason, reason, reason, true),
            ],
            Bans = [new ReportBan("203.0.113.9", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), null, null, reason, "syn", "nmap", 0, false)],
            Warnings = [reason],
        };
        var writer = new StringWriter();

        HtmlReportWriter.Write(data, writer);

        var doc = XDocument.Parse(writer.ToString());
        XNamespace x = "http://www.w3.org/1999/xhtml";
        Assert.Equal(shown, doc.Descendants(x + "title").Single().Value);
        var bans = doc.Descendants(x + "table").Single(t => (string?)t.Attribute("id") == "bans-table");
        Assert.Equal(shown, bans.Descendants(x + "td").Last().Value);
        Assert.Single(doc.Descendants(x + "script"));
    }
}
