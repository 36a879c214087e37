using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.State;
using PortVeil.Detection.Tests.Support;

namespace PortVeil.Detection.Tests.State;

public class SourceTableTests
{
    [Fact]
    public void Source_state_is_exactly_128_bytes()
    {
        Assert.Equal(SourceState.Size, Unsafe.SizeOf<SourceState>());
    }

    [Fact]
    public void Spoofed_flood_of_ten_times_capacity_stays_within_capacity_and_a_real_scanner_is_still_detected()
    {
        const int capacity = 4096;
        var options = new DetectionOptions { Capacity = capacity };
        var sink = new CollectingSink();
        var engine = new DetectionEngine(options, sink);
        var random = new Random(11);
        var scannerPorts = new ushort[] { 1, 3, 5, 7, 9, 11, 13 };
        var next = 0;
        for (var i = 0; i < 10 * capacity; i++)
        {
            // Random spoofed sources, one SYN each to a random closed port.
            var spoofed = NetAddress.FromV4((uint)random.Next(0x0100_0000, 0x7F00_0000));
            var e = Events.NmapSyn("198.51.100.1", (ushort)random.Next(1, 65_000), i * 0.0001) with { Source = spoofed };
            engine.Process(in e);
            // The scanner starts mid-flood and probes every 500 flood packets (~1 insertion into its bucket between probes).
            if (i >= 5 * capacity && i % 500 == 250 && next < scannerPorts.Length)
            {
                var probe = Events.NmapSyn("198.51.100.99", scannerPorts[next++], i * 0.0001);
                engine.Process(in probe);
            }

            Assert.True(engine.TrackedSources <= capacity);
        }

        Assert.True(engine.Counters.Evictions > 0);
        Assert.Contains(sink.Verdicts, v => v.Source == SourceKey.ForAddress(Events.Ip("198.51.100.99")));
        // Spoofed one-packet sources only ever appear through the bounded distributed (fingerprint) group, unverified.
        Assert.All(sink.Verdicts.Where(v => v.Detector != DetectorKind.Distributed), v => Assert.Equal("198.51.100.99", v.Source.Address.ToString()));
        Assert.All(sink.Verdicts.Where(v => v.Detector == DetectorKind.Distributed), v => Assert.False(v.SourceVerified));
        Assert.True(sink.Verdicts.Count <= 1 + DetectionOptionsDefaults.GroupVerdictBudget * 2);
    }

    [Fact]
    public void Table_works_at_one_million_sources()
    {
        var table = new SourceTable(1_000_000, 8, 42, long.MaxValue / 2, long.MaxValue / 2);
        for (uint i = 0; i < 1_000_000; i++)
        {
            var key = SourceKey.ForAddress(NetAddress.FromV4(0x0A00_0000 + i));
            ref var s = ref table.GetOrAdd(in key, 1);
            s.Probes = 2;
        }

        Assert.Equal(1_000_000, table.Capacity);
        // 8 ways at load factor 1.0 keep ~86 % occupied; the rest of the keys evicted older ones in full buckets.
        Assert.InRange(table.Count, 800_000, 1_000_000);
        var found = 0;
        for (uint i = 999_000; i < 1_000_000; i++)
        {
            var key = SourceKey.ForAddress(NetAddress.FromV4(0x0A00_0000 + i));
            if (!Unsafe.IsNullRef(ref table.Find(in key, 2)))
            {
                found++;
            }
        }

        Assert.True(found > 990, $"recent sources survive: {found}");
    }

    [Fact]
    public void Ipv4_and_ipv6_and_prefix_keys_do_not_collide()
    {
        var table = new SourceTable(64, 8, 1, long.MaxValue / 2, long.MaxValue / 2);
        var v6 = NetAddress.Parse("2001:db8::1");
        var a = SourceKey.ForAddress(v6);
        var p = SourceKey.ForPrefix64(v6);
        table.GetOrAdd(in a, 1).Probes = 5;
        table.GetOrAdd(in p, 1).Probes = 7;

        Assert.Equal(5, table.Find(in a, 1).Probes);
        Assert.Equal(7, table.Find(in p, 1).Probes);
        Assert.Equal(SourceKeyKind.IPv6Prefix64, table.Find(in p, 1).KeyKind);
    }

    [Fact]
    public void Full_bucket_evicts_single_probe_sources_before_multi_probe_ones()
    {
        var table = new SourceTable(8, 8, 1, long.MaxValue / 2, long.MaxValue / 2); // one bucket
        var keep = SourceKey.ForAddress(NetAddress.Parse("198.51.100.5"));
        table.GetOrAdd(in keep, 0).Probes = 2;
        for (uint i = 0; i < 100; i++)
        {
            var key = SourceKey.ForAddress(NetAddress.FromV4(0x0B00_0000 + i));
            table.GetOrAdd(in key, 10 + i).Probes = 1;
        }

        Assert.False(Unsafe.IsNullRef(ref table.Find(in keep, 200)));
        Assert.Equal(8, table.Count);
        Assert.Equal(93, table.Evictions);
    }
}
