using System.Diagnostics;
using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace PortVeil.Cli.Demo;

/// <summary>A real nmap SYN scan from the demo's scanner namespace, parsed from its XML report (`-oX -`).</summary>
internal static class NmapScan
{
    // Bounds a whole scan of ~1000 filtered ports (-T4, one retry, 300 ms RTT cap): measured ~10 s here.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static bool IsInstalled() =>
        Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(d => File.Exists(Path.Combine(d, "nmap"))) == true;

    /// <summary>Scans <paramref name="ports"/> (nmap -p syntax) of the lab server; returns the ports nmap saw open.</summary>
    public static DemoScan Run(string scannerNamespace, string target, string ports, CancellationToken cancellationToken)
    {
        string[] args =
        [
            "netns", "exec", scannerNamespace,
            "nmap", "-n", "-Pn", "-sS", "-T4", "--max-retries", "1", "--max-rtt-timeout", "300ms",
            "-e", "eth0", "-p", ports, "-oX", "-", target,
        ];
        var clock = Stopwatch.StartNew();
        var r = DemoProcess.Run("ip", args, Timeout, cancellationToken: cancellationToken).EnsureSuccess("nmap");
        var elapsed = clock.Elapsed;
        return Parse(r.StdOut, elapsed);
    }

    /// <summary>Reads &lt;port protocol portid&gt;&lt;state state/&gt; and &lt;extraports state count&gt; from nmap's XML.</summary>
    public static DemoScan Parse(string xml, TimeSpan elapsed)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(xml);
        }
        catch (XmlException e)
        {
            throw new DemoException($"nmap's XML report could not be read: {e.Message}");
        }

        var open = new SortedSet<int>();
        var states = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var port in doc.Descendants("port"))
        {
            var state = (string?)port.Element("state")?.Attribute("state") ?? "unknown";
            states[state] = states.GetValueOrDefault(state) + 1;
            if (state == "open" && int.TryParse((string?)port.Attribute("portid"), CultureInfo.InvariantCulture, out var p))
            {
                open.Add(p);
            }
        }

        foreach (var extra in doc.Descendants("extraports"))
        {
            var state = (string?)extra.Attribute("state") ?? "unknown";
            if (int.TryParse((string?)extra.Attribute("count"), CultureInfo.InvariantCulture, out var count))
            {
                states[state] = states.GetValueOrDefault(state) + count;
            }
        }

        return new DemoScan([.. open], states, elapsed);
    }
}
