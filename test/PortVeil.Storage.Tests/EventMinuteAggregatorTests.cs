using PortVeil.Core;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests;

public sealed class EventMinuteAggregatorTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static PacketEvent Syn(NetAddress source, DateTimeOffset at, ushort port, PacketTag tag = PacketTag.Unserved) => new()
    {
        TimestampNs = Some.Ns(at),
        Family = IpFamily.IPv4,
        Source = source,
        Destination = NetAddress.Parse("192.0.2.1"),
        Protocol = IpProtocol.Tcp,
        SourcePort = 40000,
        DestinationPort = port,
        Flags = TcpFlags.Syn,
        Tag = tag,
    };

    [Fact]
    public async Task Packets_of_one_minute_become_one_row_per_source_protocol_and_tag()
    {
        using var store = _db.Open();
        await using var writer = new EventWriter(store);
        var aggregator = new EventMinuteAggregator(writer);
        var scanner = Some.Address(7);
        for (var port = 1; port <= 100; port++)
        {
            aggregator.Add(Syn(scanner, Some.T0.AddMilliseconds(port * 100), (ushort)port));
        }

        aggregator.Add(Syn(scanner, Some.T0.AddSeconds(30), 22, PacketTag.Served));
        aggregator.Add(Syn(Some.Address(8), Some.T0.AddSeconds(31), 443));
        Assert.Equal(3, aggregator.Pending);

        // The next minute's first packet closes the previous minute.
        aggregator.Add(Syn(scanner, Some.T0.AddSeconds(61), 80));
        Assert.Equal(1, aggregator.Pending);
        aggregator.Flush();
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        var rows = await store.ListEventsAsync(Some.T0, Some.T0.AddMinutes(2), scanner);
        var unserved = rows.Single(r => r.BucketStartMs == Some.T0.ToUnixTimeMilliseconds() && r.Tag == PacketTag.Unserved);
        Assert.Equal(100, unserved.Packets);
        Assert.InRange(unserved.DistinctPorts, 90, 110);
        Assert.Equal(Some.T0.AddMilliseconds(100).ToUnixTimeMilliseconds(), unserved.FirstSeenMs);
        Assert.Equal(Some.T0.AddMilliseconds(10_000).ToUnixTimeMilliseconds(), unserved.LastSeenMs);
        Assert.Equal(1, rows.Single(r => r.Tag == PacketTag.Served).Packets);
        Assert.Equal(1, rows.Single(r => r.BucketStartMs == Some.T0.AddMinutes(1).ToUnixTimeMilliseconds()).Packets);
        Assert.Single(await store.ListEventsAsync(Some.T0, Some.T0.AddMinutes(2), Some.Address(8)));
    }

    [Fact]
    public async Task Rows_carry_the_origin_host_and_the_first_eight_distinct_ports_in_order()
    {
        using var store = _db.Open();
        await using var writer = new EventWriter(store);
        var aggregator = new EventMinuteAggregator(writer, originHost: "host-a");
        var scanner = Some.Address(7);
        ushort[] ports = [22, 23, 22, 25, 80, 110, 143, 443, 445, 3389, 5900];
        for (var i = 0; i < ports.Length; i++)
        {
            aggregator.Add(Syn(scanner, Some.T0.AddSeconds(i), ports[i]));
        }

        aggregator.Flush();
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        var row = Assert.Single(await store.ListEventsAsync(Some.T0, Some.T0.AddMinutes(1), scanner));
        Assert.Equal("host-a", row.OriginHost);
        Assert.Equal("22,23,25,80,110,143,443,445", row.Ports);
        Assert.Equal(ports.Length, row.Packets);
    }

    [Fact]
    public async Task A_full_table_empties_early_and_the_database_adds_the_parts_together()
    {
        using var store = _db.Open();
        await using var writer = new EventWriter(store);
        var aggregator = new EventMinuteAggregator(writer, capacity: 8);
        for (var round = 0; round < 3; round++)
        {
            for (var s = 0; s < 20; s++)
            {
                aggregator.Add(Syn(Some.Address(1 + s), Some.T0.AddSeconds(round * 10 + s / 10.0), (ushort)(1000 + round)));
                Assert.True(aggregator.Pending <= 6);
            }
        }

        aggregator.Flush();
        await writer.FlushAsync(new CancellationTokenSource(TestTimeouts.Event).Token);

        var rows = await store.ListEventsAsync(Some.T0, Some.T0.AddMinutes(1));
        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal(3, r.Packets));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 1, 1)]
    [InlineData(50, 43, 57)]
    [InlineData(200, 170, 230)]
    [InlineData(5000, 1420, 1420)]
    public void Distinct_port_estimate_of_a_sequential_scan_stays_within_15_percent_and_saturates_at_1420(int ports, int low, int high)
    {
        var map = default(EventMinuteAggregator.PortMap);
        for (var p = 1; p <= ports; p++)
        {
            var bit = EventMinuteAggregator.PortBit((ushort)p);
            map[bit >> 6] |= 1UL << (bit & 63);
        }

        Assert.InRange(EventMinuteAggregator.EstimateDistinct(ref map), low, high);
    }
}
