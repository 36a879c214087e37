using PortVeil.Cli.Demo;

namespace PortVeil.Cli.Tests.Demo;

/// <summary>
/// The demo's reading of nmap's XML report. The fixture is real nmap 7.93 output (`nmap -n -Pn -sS --max-retries 0
/// -p 1-30 -oX - 127.0.0.1` in a namespace with a listener on 22 and ports 1-19 dropped by nft).
/// </summary>
public class NmapScanTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Demo", "nmap-open-closed-filtered.xml");

    [Fact]
    public void Open_ports_and_the_count_of_each_state_are_read_from_a_real_report()
    {
        var scan = NmapScan.Parse(File.ReadAllText(Fixture), TimeSpan.FromSeconds(1.5));
        Assert.Equal([22], scan.OpenPorts);
        Assert.Equal(19, scan.States["filtered"]);
        Assert.Equal(10, scan.States["closed"]);
        Assert.Equal(1, scan.States["open"]);
        Assert.Equal(TimeSpan.FromSeconds(1.5), scan.Duration);
    }

    [Fact]
    public void Ports_summarised_as_extraports_are_counted_in_their_state()
    {
        // nmap folds long runs of one state into <extraports>; the demo's unprotected scan reports "997 closed" so.
        var xml = File.ReadAllText(Fixture).Replace("<ports>", "<ports><extraports state=\"closed\" count=\"970\"/>", StringComparison.Ordinal);
        var scan = NmapScan.Parse(xml, TimeSpan.Zero);
        Assert.Equal(980, scan.States["closed"]);
        Assert.Equal([22], scan.OpenPorts);
    }

    [Fact]
    public void A_truncated_report_is_a_demo_error_naming_the_problem_not_a_crash()
    {
        var xml = File.ReadAllText(Fixture);
        var e = Assert.Throws<DemoException>(() => NmapScan.Parse(xml[..(xml.Length / 2)], TimeSpan.Zero));
        Assert.Contains("nmap's XML report could not be read", e.Message, StringComparison.Ordinal);
    }
}
