using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.Distributed;
using PortVeil.Detection.State;
using PortVeil.Detection.Stealth;

namespace PortVeil.Detection;

/// <summary>
/// Runs every detector over a stream of packet events and reports scanners to an <see cref="IVerdictSink"/>.
/// Pure (no I/O, no clock of its own: packet time is the clock), single-threaded, and allocation-free per event
/// except when it emits a verdict.
/// </summary>
public sealed partial class DetectionEngine
{
    private readonly DetectionOptions _options;
    private readonly IVerdictSink _sink;
    private readonly SourceTable _table;
    private readonly GroupTable _groups;
    private readonly Decoys.CohortTable? _cohorts;
    private readonly EngineCounters _counters = new();
    private readonly ulong[] _tripwires = new ulong[1024];
    private readonly ulong[] _commonPorts = new ulong[1024];
    private readonly ulong[] _allowHigh;
    private readonly ulong[] _allowLow;
    private readonly ulong[] _allowMaskHigh;
    private readonly ulong[] _allowMaskLow;

    // TRW steps (Jung et al. 2004): ln(θ1/θ0) on success, ln((1-θ1)/(1-θ0)) on failure; thresholds ln(β/α), ln((1-β)/(1-α)).
    private readonly float _failStep;
    private readonly float _successStep;
    private readonly float _trwUpper;
    private readonly float _trwLower;
    private readonly long _windowNs;
    private readonly int _windowTicks;
    private long _clockNs;

    public DetectionEngine(DetectionOptions options, IVerdictSink sink)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid detection options: " + string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _sink = sink;
        _table = new SourceTable(options.Capacity, options.Ways, options.HashSecret, options.SuspectRetention.Ticks * 100, options.BenignRetention.Ticks * 100);
        _groups = new GroupTable(options.GroupCapacity, options.DistributedWindow.Ticks * 100, options.HashSecret == 0 ? 0 : ~options.HashSecret);
        _cohorts = options.DecoyMinPorts == 0 ? null : new Decoys.CohortTable(options.DecoyWindow.Ticks * 100, TimeSpan.FromMinutes(10).Ticks * 100);
        _failStep = (float)Math.Log((1 - options.TrwTheta1) / (1 - options.TrwTheta0));
        _successStep = (float)Math.Log(options.TrwTheta1 / options.TrwTheta0);
        _trwUpper = (float)Math.Log(options.TrwBeta / options.TrwAlpha);
        _trwLower = (float)Math.Log((1 - options.TrwBeta) / (1 - options.TrwAlpha));
        _windowNs = options.Window.Ticks * 100;
        _windowTicks = (int)Math.Clamp(_windowNs / SourceState.WindowTickNs, 1, ushort.MaxValue / 2);
        foreach (var port in options.TripwirePorts)
        {
            _tripwires[port >> 6] |= 1UL << (port & 63);
        }

        foreach (var port in options.CommonlyScannedPorts)
        {
            _commonPorts[port >> 6] |= 1UL << (port & 63);
        }

        var n = options.Allowlist.Count;
        _allowHigh = new ulong[n];
        _allowLow = new ulong[n];
        _allowMaskHigh = new ulong[n];
        _allowMaskLow = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            var (network, prefix) = options.Allowlist[i];
            var v6Prefix = network.IsIPv4 ? 96 + Math.Clamp(prefix, 0, 32) : Math.Clamp(prefix, 0, 128);
            _allowMaskHigh[i] = v6Prefix >= 64 ? ulong.MaxValue : v6Prefix == 0 ? 0 : ulong.MaxValue << (64 - v6Prefix);
            _allowMaskLow[i] = v6Prefix <= 64 ? 0 : v6Prefix == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - v6Prefix);
            _allowHigh[i] = network.High & _allowMaskHigh[i];
            _allowLow[i] = network.Low & _allowMaskLow[i];
        }
    }

    /// <summary>Served ports: marked from configuration or discovery, and learned from the host's own replies.</summary>
    public ServedPortSet Served { get; } = new();

    /// <summary>Sources (addresses and IPv6 /64s) currently in the table; never more than the capacity.</summary>
    public int TrackedSources => _table.Count;

    public EngineCounters Counters
    {
        get
        {
            _counters.Evictions = _table.Evictions;
            _counters.Expired = _table.Expired;
            return _counters;
        }
    }

    /// <summary>Feeds one packet. Inbound (or Unknown) packets are probes or follow-ups; Outbound ones are the host's replies.</summary>
    public void Process(in PacketEvent packet)
    {
        _counters.Events++;
        var now = packet.TimestampNs;
        if (now > _clockNs)
        {
            _clockNs = now;
        }

        if (packet.Direction == PacketDirection.Outbound)
        {
            HandleReply(in packet, now);
            return;
        }

        var source = packet.Source;
        if (source.IsLoopbackOrUnspecified || IsAllowlisted(source))
        {
            _counters.Ignored++;
            return;
        }

        ProbeKind kind;
        var port = packet.DestinationPort;
        switch (packet.Protocol)
        {
            case IpProtocol.Tcp:
                var options = packet.Options;
                kind = ProbeClassifier.ClassifyTcp(packet.Flags, options.SackPermitted || options.HasWindowScale);
                if (kind == ProbeKind.None)
                {
                    HandleTcpFollowUp(in packet, now);
                    return;
                }

                if (kind is ProbeKind.Ack or ProbeKind.Maimon
                    && (packet.Tag == PacketTag.Served || (packet.Tag is PacketTag.None or PacketTag.Stealth && Served.IsServed(IpProtocol.Tcp, port))))
                {
                    // A late ACK or FIN/ACK to a served port is a real client whose conntrack entry expired, or a
                    // capture that started mid-connection: never a probe (other tools mass-banned clients on this).
                    HandleTcpFollowUp(in packet, now);
                    return;
                }

                break;
            case IpProtocol.Udp:
            case IpProtocol.UdpLite:
                kind = ProbeKind.Udp;
                break;
            case IpProtocol.Sctp:
                kind = ProbeKind.Sctp;
                break;
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                kind = ClassifyIcmp(packet.Protocol, packet.IcmpType);
                if (kind == ProbeKind.None)
                {
                    return;
                }

                port = packet.IcmpType;
                break;
            default:
                kind = ProbeKind.IpProtocol;
                port = (ushort)packet.Protocol;
                break;
        }

        var key = SourceKey.ForAddress(source);
        OnProbe(in packet, in key, kind, port, now);
        if (!source.IsIPv4)
        {
            var prefix = SourceKey.ForPrefix64(source);
            OnProbe(in packet, in prefix, kind, port, now);
        }
    }

    /// <summary>End of input or a periodic tick: expires state whose retention ran out.</summary>
    public void Flush(long nowNs)
    {
        if (nowNs > _clockNs)
        {
            _clockNs = nowNs;
        }

        _table.ExpireAll(_clockNs);
        _groups.ExpireAll(_clockNs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ProbeKind ClassifyIcmp(IpProtocol protocol, byte type) => protocol == IpProtocol.Icmp
        ? type switch
        {
            8 => ProbeKind.Ping,
            13 or 15 or 17 => ProbeKind.IcmpQuery, // timestamp, information, address mask request
            _ => ProbeKind.None,
        }
        : type switch
        {
            128 => ProbeKind.Ping,
            139 => ProbeKind.IcmpQuery, // node information query
            _ => ProbeKind.None,
        };

    private bool IsAllowlisted(NetAddress address)
    {
        for (var i = 0; i < _allowHigh.Length; i++)
        {
            if ((address.High & _allowMaskHigh[i]) == _allowHigh[i] && (address.Low & _allowMaskLow[i]) == _allowLow[i])
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Has(ulong[] bits, ushort port) => (bits[port >> 6] & (1UL << (port & 63))) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 33)) * 0xFF51_AFD7_ED55_8CCDUL;
        z = (z ^ (z >> 33)) * 0xC4CE_B9FE_1A85_EC53UL;
        return z ^ (z >> 33);
    }
}
