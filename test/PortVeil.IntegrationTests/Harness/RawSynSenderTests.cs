using System.Globalization;
using System.Net;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Harness;

/// <summary>The one-process raw SYN generator: packets a real kernel accepts as valid TCP, IPv4 and IPv6, and its bounds.</summary>
public class RawSynSenderTests
{
    [Fact]
    public void Forged_IPv4_and_IPv6_SYNs_reach_the_servers_TCP_stack_with_valid_checksums()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        using var service = LabTcpListener.Start(lab.Server, 22);
        var before = TcpCounters(lab.Server);

        using var sender = RawSynSender.Open(lab.Scanners[0]);
        const int PerFamily = 20;
        for (var i = 0; i < PerFamily; i++)
        {
            var v4 = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"198.51.100.{150 + i}"));
            var v6 = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"2001:db8:10::9:{i + 1:x}"));
            Assert.True(sender.Send(v4, IPAddress.Parse(LabTopology.ServerIPv4), (ushort)(40000 + i), 22, (uint)i * 104729u, clientOptions: i % 2 == 0));
            Assert.True(sender.Send(v6, IPAddress.Parse(LabTopology.ServerIPv6), (ushort)(40000 + i), 22, (uint)i * 104729u, clientOptions: i % 2 == 1));
        }

        (long InSegs, long InCsumErrors) after = before;
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline && after.InSegs - before.InSegs < 2 * PerFamily; Thread.Sleep(100))
        {
            after = TcpCounters(lab.Server);
        }

        Assert.Equal(2 * PerFamily, sender.Sent);
        Assert.True(after.InSegs - before.InSegs >= 2 * PerFamily, $"the server's TCP stack took {after.InSegs - before.InSegs} segments");
        Assert.Equal(before.InCsumErrors, after.InCsumErrors);
    }

    [Fact]
    public void A_forged_IPv4_header_sums_to_zero_and_addresses_outside_the_documentation_ranges_are_refused()
    {
        var packet = new byte[SynPacket.MaxLength];
        var length = SynPacket.Write(packet, IPAddress.Parse("192.0.2.7"), IPAddress.Parse("203.0.113.10"), 1234, 443, 99, clientOptions: true);

        Assert.Equal(20 + 32, length);
        Assert.Equal(0, SynPacket.Checksum(packet.AsSpan(0, 20)));
        Assert.Equal(0x02, packet[20 + 13]);
        Assert.Throws<ArgumentException>(() => SynPacket.Write(packet, IPAddress.Parse("8.8.8.8"), IPAddress.Parse("203.0.113.10"), 1, 2, 3));
        Assert.Throws<ArgumentException>(() => SynPacket.Write(packet, IPAddress.Parse("192.0.2.7"), IPAddress.Parse("2001:db8::1"), 1, 2, 3));
    }

    /// <summary>Tcp: InSegs and InCsumErrors from /proc/net/snmp as the host's namespace sees them (IPv4 and IPv6 share them).</summary>
    private static (long InSegs, long InCsumErrors) TcpCounters(LabHost host)
    {
        var lines = host.Exec("cat", "/proc/net/snmp").EnsureSuccess("snmp").StdOut.Split('\n');
        var names = lines.First(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).Split(' ');
        var values = lines.Where(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).Skip(1).First().Split(' ');
        long Get(string name) => long.Parse(values[Array.IndexOf(names, name)], CultureInfo.InvariantCulture);
        return (Get("InSegs"), Get("InCsumErrors"));
    }
}
