using System.Diagnostics;
using PortVeil.Core;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using static PortVeil.IntegrationTests.Nflog.NflogTestLab;
using static PortVeil.TestSupport.NflogMessageBuilder;
using Xunit.Abstractions;

namespace PortVeil.IntegrationTests.Nflog;

public class NflogRobustnessTests(ITestOutputHelper output)
{
    [Fact]
    public void Bad_netlink_messages_on_the_live_socket_are_counted_and_the_source_keeps_reading()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        LoadRules(lab.Server, LogAndDropEverySyn);
        using var source = OpenIn(lab.Server);
        using var sender = NetlinkSender.OpenIn(lab.Server);

        var bogusAttribute = Packet(Group, 2, InDev(1), Prefix(NflogPrefixes.Unserved));
        bogusAttribute[16 + 4 + 8] = 200; // the prefix attribute claims 200 bytes
        sender.SendTo(source.PortId, new byte[10]);                         // truncated nlmsghdr
        sender.SendTo(source.PortId, bogusAttribute);                      // attribute past the end
        sender.SendTo(source.PortId, Error(-22));                          // NLMSG_ERROR, EINVAL
        sender.SendTo(source.PortId, Message(0x0999, new byte[4]));        // unknown message type
        sender.SendTo(source.PortId, Packet(Group, 2, InDev(1), Prefix(NflogPrefixes.Tripwire),
            Payload(Ipv4Syn("198.51.100.77", LabTopology.ServerIPv4, 1234, 4444))));

        var crafted = Collect(source, e => e.Count >= 1, TestTimeouts.Event);
        Hping.Syn(lab.Scanners[0], LabTopology.ServerIPv4, 2222, count: 1);
        var real = Collect(source, e => e.Exists(p => p.DestinationPort == 2222), TestTimeouts.Event);

        var counters = source.Counters;
        Assert.Equal(4, counters.ParseErrors);
        Assert.Equal(4, source.Errors.Count);
        lock (source.Errors)
        {
            Assert.All(source.Errors.Kept, e => Assert.Equal(NflogSource.SourceName, e.Source));
            Assert.Equal([1L, 2L, 3L, 4L], source.Errors.Kept.Select(e => e.Record));
            Assert.Equal([0L, 28L, 0L, 0L], source.Errors.Kept.Select(e => e.Offset));
            Assert.Contains("errno 22", source.Errors.Kept[2].Message, StringComparison.Ordinal);
        }

        var tripped = Assert.Single(crafted);
        Assert.Equal(PacketTag.Tripwire, tripped.Tag);
        Assert.Equal((ushort)4444, tripped.DestinationPort);
        var probe = Assert.Single(real, e => e.DestinationPort == 2222);
        Assert.Equal(NetAddress.Parse(lab.Scanners[0].IPv4), probe.Source);
        Assert.Equal(PacketTag.Unserved, probe.Tag);
    }

    [Fact]
    public void A_flood_into_a_tiny_socket_buffer_counts_overruns_and_drops_and_the_source_still_reads()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        LoadRules(lab.Server, LogAndDropEverySyn);
        // One packet per datagram, the smallest socket buffer the kernel allows (~4.5 KiB) and a 16-event channel
        // nobody reads during the flood: the kernel must overrun and the channel must fill.
        using var source = OpenIn(lab.Server, new NflogOptions
        {
            ReceiveBufferSize = 1024,
            QueueThreshold = 1,
            KernelBufferSize = 4096,
            ChannelCapacity = 16,
        });

        Hping.Flood(lab.Scanners[0], LabTopology.ServerIPv4, 9, TimeSpan.FromSeconds(1.5));
        var flooded = source.Counters;
        output.WriteLine($"after the flood: {flooded}");
        Drain(source, TimeSpan.FromMilliseconds(300));

        Hping.Syn(lab.Scanners[0], LabTopology.ServerIPv4, 2222, count: 1);
        var after = Collect(source, e => e.Exists(p => p.DestinationPort == 2222), TestTimeouts.Event);

        Assert.True(flooded.Overruns > 0, $"overruns {flooded}");
        Assert.True(flooded.Dropped > 0, $"dropped {flooded}");
        Assert.True(flooded.Packets > flooded.Dropped, $"packets {flooded}");
        Assert.Equal(0, flooded.ParseErrors);
        Assert.Contains(after, e => e.DestinationPort == 2222 && e.Tag == PacketTag.Unserved);
    }

    [Fact]
    public async Task An_async_consumer_reads_live_events_from_the_channel()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        LoadRules(lab.Server, LogAndDropEverySyn);
        using var source = OpenIn(lab.Server);

        Hping.Syn(lab.Scanners[0], LabTopology.ServerIPv4, 3333, count: 3, intervalMicroseconds: 10_000);

        using var cts = new CancellationTokenSource(TestTimeouts.Event);
        var seen = new List<PacketEvent>();
        await foreach (var packet in source.Events.ReadAllAsync(cts.Token))
        {
            seen.Add(packet);
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.All(seen, e => Assert.Equal((ushort)3333, e.DestinationPort));
        Assert.All(seen, e => Assert.Equal(NetAddress.Parse(lab.Scanners[0].IPv4), e.Source));
        Assert.Equal(3, seen.Select(e => e.SourcePort).Distinct().Count());
    }

    [Fact]
    public async Task A_second_socket_cannot_take_a_bound_group_and_dispose_ends_the_stream()
    {
        using var ns = NetworkNamespace.Create("nfl");
        var first = ns.RunInside(() => NflogSource.Open());

        var error = Assert.Throws<InvalidOperationException>(() => ns.RunInside(() => NflogSource.Open()));
        Assert.IsType<IOException>(error.InnerException);
        // nfulnl_recv_config answers EPERM when the group's instance belongs to another socket.
        Assert.Contains("errno 1)", error.InnerException!.Message, StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        first.Dispose();
        Assert.False(first.TryRead(out _, TestTimeouts.Event));
        await first.Events.Completion.WaitAsync(TestTimeouts.Event);
        Assert.True(clock.Elapsed < TestTimeouts.Event);

        // The group is free again once the socket is closed.
        using var second = ns.RunInside(() => NflogSource.Open());
        Assert.Equal([NflogDefaults.Group], second.Groups);
    }
}
