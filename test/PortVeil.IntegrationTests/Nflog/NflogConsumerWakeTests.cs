using System.Net;
using PortVeil.Core;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;
using static PortVeil.IntegrationTests.Nflog.NflogTestLab;

namespace PortVeil.IntegrationTests.Nflog;

/// <summary>
/// The blocking consumer of <see cref="NflogSource"/> (the daemon's detection thread) is woken by the reader
/// itself, and the one-process load generator's spoofed SYNs reach the kernel as crafted.
/// </summary>
public class NflogConsumerWakeTests
{
    [Fact]
    public void A_consumer_blocked_in_TryRead_gets_each_spoofed_syn_sent_while_it_waits()
    {
        using var lab = LabTopology.Builder().WithScanners(1).WithClients(0).Build();
        LoadRules(lab.Server, LogAndDropEverySyn);
        using var source = OpenIn(lab.Server, new NflogOptions { QueueThreshold = 1 });
        using var sender = RawSynSender.Open(lab.Scanners[0]);
        var target = IPAddress.Parse(LabTopology.ServerIPv4);

        var received = new List<PacketEvent>();
        var consumer = new Thread(() =>
        {
            for (var i = 0; i < 5 && source.TryRead(out var p, TestTimeouts.Event); i++)
            {
                received.Add(p);
            }
        });
        consumer.Start();
        for (var i = 0; i < 5; i++)
        {
            // Give the consumer time to block on an empty queue before each packet.
            Thread.Sleep(100);
            sender.Send(IPAddress.Parse($"192.0.2.{200 + i}"), target, (ushort)(50000 + i), (ushort)(3000 + i), (uint)(0x1000 + i));
        }

        Assert.True(consumer.Join(TestTimeouts.Event + TestTimeouts.Event), "the consumer finished");
        Assert.Equal(5, sender.Sent);
        Assert.Equal(5, received.Count);
        for (var i = 0; i < 5; i++)
        {
            var p = received[i];
            Assert.Equal(NetAddress.Parse($"192.0.2.{200 + i}"), p.Source);
            Assert.Equal(NetAddress.Parse(LabTopology.ServerIPv4), p.Destination);
            Assert.Equal(50000 + i, p.SourcePort);
            Assert.Equal(3000 + i, p.DestinationPort);
            Assert.Equal((uint)(0x1000 + i), p.Sequence);
            Assert.Equal(TcpFlags.Syn, p.Flags);
            Assert.Equal(SynPacket.Window, p.Window);
            Assert.Equal(PacketTag.Unserved, p.Tag);
        }

        Assert.True(source.LastReceivedNs > 0);
    }

    [Fact]
    public void TryRead_with_a_timeout_returns_false_when_nothing_comes_and_false_again_after_dispose()
    {
        using var lab = LabTopology.Builder().WithScanners(0).WithClients(0).Build();
        var source = OpenIn(lab.Server);

        Assert.False(source.TryRead(out _, TimeSpan.FromMilliseconds(300)));

        var blocked = new Thread(() => source.TryRead(out _));
        blocked.Start();
        Thread.Sleep(100);
        source.Dispose();
        Assert.True(blocked.Join(TestTimeouts.Event), "a consumer blocked without a timeout is released by Dispose");
        Assert.False(source.TryRead(out _, TimeSpan.FromMilliseconds(100)));
    }
}
