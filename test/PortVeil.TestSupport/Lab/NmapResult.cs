using System.Globalization;
using System.Xml.Linq;

namespace PortVeil.TestSupport.Lab;

/// <summary>The ports nmap reported, parsed from its `-oX -` output.</summary>
public sealed class NmapResult
{
    private NmapResult(IReadOnlyList<NmapPort> ports, string xml, string stdErr)
    {
        Ports = ports;
        Xml = xml;
        StdErr = stdErr;
    }

    /// <summary>Every port nmap listed (ports summarised in &lt;extraports&gt; are not listed one by one).</summary>
    public IReadOnlyList<NmapPort> Ports { get; }

    public string Xml { get; }

    public string StdErr { get; }

    /// <summary>Ports in state "open", sorted: what the scanner learned.</summary>
    public IReadOnlyList<int> OpenPorts =>
        [.. Ports.Where(p => p.State == "open").Select(p => p.Port).Order()];

    /// <summary>Parses nmap's XML report (&lt;nmaprun&gt;&lt;host&gt;&lt;ports&gt;&lt;port protocol portid&gt;&lt;state state reason/&gt;).</summary>
    public static NmapResult Parse(string xml, string stdErr = "")
    {
        var document = XDocument.Parse(xml);
        var ports = new List<NmapPort>();
        foreach (var port in document.Descendants("port"))
        {
            var state = port.Element("state");
            ports.Add(new NmapPort(
                (string?)port.Attribute("protocol") ?? "",
                int.Parse((string?)port.Attribute("portid") ?? "0", CultureInfo.InvariantCulture),
                (string?)state?.Attribute("state") ?? "",
                (string?)state?.Attribute("reason") ?? ""));
        }

        return new NmapResult(ports, xml, stdErr);
    }
}
