using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using PortVeil.Core;
using PortVeil.Detection;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;
using PortVeil.Enforcement.Policy;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Rehearses the ban path once at start, before the sensor opens, so that the first real ban does not pay for JIT
/// compilation and first use: synthetic SYN scans from documentation addresses go through a throwaway engine,
/// policy and <see cref="BanStage"/> (the same code the detection thread runs), and each resulting ban makes a real
/// kernel round trip through the fast path into the warm-up sets, deleted again at once
/// (<see cref="NftEnforcer.WarmUpBanPath"/>). Measured without it (`ban-path-latency`): ban #1 took 17-19 ms
/// (policy 5.6 ms, kernel batch 4.3 ms, the engine's verdict path the rest) and held p99 over 300 bans above 1 ms.
/// </summary>
/// <remarks>
/// Nothing real is touched: the policy, ledger and offence history are throwaway instances, storage writes go to a
/// <see cref="DiscardingBatchWriter"/>, no notifier, metric, live feed or log line sees a rehearsal ban, and the
/// warm-up sets are referenced by no rule (an element a failed delete leaves expires after 1 s).
/// </remarks>
internal static class BanPathWarmUp
{
    /// <summary>
    /// Rehearsal sources, never real ones (RFC 5737, RFC 3849): three per /24 and per /64, so the default subnet
    /// ban (4 members) never turns them into a /24 or /64 ban.
    /// </summary>
    internal static readonly NetAddress[] Sources =
    [
        NetAddress.Parse("192.0.2.201"), NetAddress.Parse("198.51.100.201"), NetAddress.Parse("203.0.113.201"),
        NetAddress.Parse("2001:db8:0:7e57::201"), NetAddress.Parse("192.0.2.202"), NetAddress.Parse("198.51.100.202"),
        NetAddress.Parse("203.0.113.202"), NetAddress.Parse("2001:db8:0:7e57::202"), NetAddress.Parse("192.0.2.203"),
        NetAddress.Parse("198.51.100.203"), NetAddress.Parse("203.0.113.203"), NetAddress.Parse("2001:db8:0:7e57::203"),
        NetAddress.Parse("2001:db8:0:7e58::201"), NetAddress.Parse("2001:db8:0:7e58::202"), NetAddress.Parse("2001:db8:0:7e58::203"),
    ];

    /// <summary>Most SYNs per rehearsal source before giving up on it (a verdict needs far fewer by default).</summary>
    private const int MaxProbesPerSource = 64;

    /// <summary>
    /// Rehearsal rounds: the first JIT-compiles the path (tier 0); after a pause longer than the runtime's tiering
    /// delay (100 ms) call counting has started, and the further rounds call the per-ban methods more than the 30
    /// times that queue them for tier-1 compilation, which the last pause leaves time for.
    /// </summary>
    internal const int DefaultRounds = 4;

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(150);

    /// <summary>Runs the rehearsal; never throws for kernel refusals (they are reported in the result).</summary>
    public static BanPathWarmUpResult Run(DaemonStages stages, LiveAllowlist allowlist, NftEnforcer enforcer, string host, int rounds = DefaultRounds)
    {
        var clock = Stopwatch.StartNew();
        var enforcerStub = new WarmUpEnforcer(enforcer);
        var target = new DiscardingBatchWriter();
        var writer = new EventWriter(target, stages.Writer);
        var verdicts = 0L;
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                if (round > 0)
                {
                    Thread.Sleep(Pause);
                }

                verdicts += Round(stages, allowlist, enforcerStub, writer, host);
            }

            if (rounds > 1)
            {
                Thread.Sleep(Pause);
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return new BanPathWarmUpResult(verdicts, enforcerStub.RoundTrips, enforcerStub.Failures, enforcerStub.FirstError, clock.Elapsed);
    }

    /// <summary>One rehearsal ban per source, through a fresh engine, policy and stage; returns the verdicts.</summary>
    private static long Round(DaemonStages stages, LiveAllowlist allowlist, WarmUpEnforcer enforcerStub, EventWriter writer, string host)
    {
        // The real policy options (so the same branches run) with a ledger and history of its own. Three
        // sources per /24 and per /64 stay below the default subnet ban (4 members), so each is banned alone.
        var policy = new BanPolicy(stages.Policy, allowlist, new InMemoryOffenceHistory(64));
        var stage = new BanStage(policy, enforcerStub, writer, host, NullLogger.Instance);
        var engine = new DetectionEngine(stages.Detection, stage);
        var aggregator = new EventMinuteAggregator(writer, capacity: 64, originHost: host);
        var destination = NetAddress.Parse("192.0.2.1");
        var destination6 = NetAddress.Parse("2001:db8::1");
        var nowNs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var packet = default(PacketEvent);
        var verdicts = 0L;
        for (var s = 0; s < Sources.Length; s++)
        {
            var source = Sources[s];
            var before = stage.Bans + stage.BanFailures + stage.Skipped;
            var bans = stage.Bans;
            for (var k = 0; k < MaxProbesPerSource && stage.Bans == bans; k++)
            {
                nowNs += 1_000_000; // 1 ms apart, nmap -T4's pace
                Fill(ref packet, nowNs, source, source.IsIPv4 ? destination : destination6, (ushort)(40_000 + s), (ushort)(1000 + k * 7), (uint)(s * 7919 + k));
                engine.Process(in packet);
                aggregator.Add(in packet);
            }

            verdicts += stage.Bans + stage.BanFailures + stage.Skipped - before;
        }

        engine.Flush(nowNs + 1_000_000_000);
        aggregator.Flush();
        return verdicts;
    }

    private static void Fill(ref PacketEvent p, long timestampNs, NetAddress source, NetAddress destination, ushort sourcePort, ushort destinationPort, uint sequence)
    {
        var v6 = !source.IsIPv4;
        p.TimestampNs = timestampNs;
        p.Family = v6 ? IpFamily.IPv6 : IpFamily.IPv4;
        p.Source = source;
        p.Destination = destination;
        p.Protocol = IpProtocol.Tcp;
        p.SourcePort = sourcePort;
        p.DestinationPort = destinationPort;
        p.Flags = TcpFlags.Syn;
        p.Window = 1024;
        p.IpId = sequence & 0xFFFF;
        p.Ttl = 52;
        p.Sequence = sequence;
        p.Length = (ushort)(v6 ? 64 : 44);
        p.Direction = PacketDirection.Inbound;
        p.Tag = PacketTag.Unserved;
    }
}
