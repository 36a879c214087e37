using System.Numerics;
using System.Runtime.CompilerServices;
using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>
/// Folds packets into per-minute <see cref="EventAggregate"/>s before they reach storage: one row per source,
/// protocol and tag per minute, however many packets. Runs on the per-packet path, so it allocates nothing
/// after construction: a fixed open-addressing table of structs, emptied into the <see cref="EventWriter"/>
/// when the minute changes or the table is three quarters full.
/// </summary>
/// <remarks>
/// Distinct destination ports are estimated by linear counting on a 256-bit map per row (Whang et al. 1990):
/// exact-ish (±5 %) up to ~250 ports, and capped at 1420 (256 × ln 256) once every bit is set. A row emptied
/// early because the table filled up is added to the same minute's row in the database (upsert-add), so a
/// spoofed flood costs more rows per minute, never more memory. Not thread-safe: one per pipeline thread.
/// </remarks>
public sealed class EventMinuteAggregator
{
    /// <summary>Ports each row remembers by number (the rest are only counted): 8 name a light, distributed probe fully.</summary>
    public const int PortSampleSize = 8;

    private const int PortMapBits = 256;

    private readonly Row[] _rows;
    private readonly int _mask;
    private readonly int _flushAt;
    private readonly EventWriter _writer;
    private readonly string _originHost;
    private long _bucketMs = long.MinValue;
    private int _count;

    /// <param name="writer">Where finished rows go (<see cref="EventWriter.TryWriteEvent"/>, never blocking).</param>
    /// <param name="capacity">Rows held per minute, rounded up to a power of two; 16 384 rows take ~1.3 MB.</param>
    /// <param name="originHost">This host's name, written into every row (fleet hosts share the table).</param>
    public EventMinuteAggregator(EventWriter writer, int capacity = 16_384, string originHost = "")
    {
        ArgumentNullException.ThrowIfNull(originHost);
        _originHost = originHost;
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 4);
        _writer = writer;
        _rows = new Row[BitOperations.RoundUpToPowerOf2((uint)capacity)];
        _mask = _rows.Length - 1;
        _flushAt = _rows.Length / 4 * 3;
    }

    /// <summary>Rows waiting for their minute to end.</summary>
    public int Pending => _count;

    /// <summary>Counts one packet; may hand the previous minute's rows to the writer first.</summary>
    public void Add(in PacketEvent packet)
    {
        var ms = packet.TimestampNs / 1_000_000;
        var bucket = EventAggregate.BucketOf(ms);
        if (bucket != _bucketMs)
        {
            Flush();
            _bucketMs = bucket;
        }
        else if (_count >= _flushAt)
        {
            Flush();
        }

        ref var row = ref Find(packet.Source, packet.Protocol, packet.Tag);
        if (!row.Used)
        {
            row.Used = true;
            row.Source = packet.Source;
            row.Protocol = packet.Protocol;
            row.Tag = packet.Tag;
            row.FirstMs = ms;
            row.LastMs = ms;
            _count++;
        }

        row.Packets++;
        row.FirstMs = Math.Min(row.FirstMs, ms);
        row.LastMs = Math.Max(row.LastMs, ms);
        if (packet.HasPorts)
        {
            var bit = PortBit(packet.DestinationPort);
            row.Ports[bit >> 6] |= 1UL << (bit & 63);
            AddSample(ref row, packet.DestinationPort);
        }
    }

    /// <summary>Hands every pending row to the writer and empties the table (call at shutdown too).</summary>
    public void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        for (var i = 0; i < _rows.Length; i++)
        {
            ref var row = ref _rows[i];
            if (!row.Used)
            {
                continue;
            }

            var aggregate = new EventAggregate
            {
                Source = row.Source,
                BucketStartMs = _bucketMs,
                Protocol = row.Protocol,
                Tag = row.Tag,
                Packets = row.Packets,
                DistinctPorts = EstimateDistinct(ref row.Ports),
                OriginHost = _originHost,
                Ports = FormatSample(ref row),
                FirstSeenMs = row.FirstMs,
                LastSeenMs = row.LastMs,
            };
            _writer.TryWriteEvent(aggregate);
            row = default;
        }

        _count = 0;
    }

    /// <summary>
    /// Linear counting needs bits that look random: a plain multiplicative hash spreads a sequential scan too
    /// evenly (fewer collisions than chance) and overestimates by ~25 % at 100 ports, so the murmur3 finaliser
    /// mixes the port first.
    /// </summary>
    internal static int PortBit(ushort port)
    {
        var h = port * 0x9E37_79B9u;
        h ^= h >> 16;
        h *= 0x85EB_CA6Bu;
        h ^= h >> 13;
        h *= 0xC2B2_AE35u;
        h ^= h >> 16;
        return (int)(h >> 24);
    }

    private static void AddSample(ref Row row, ushort port)
    {
        var n = row.SampleCount;
        if (n >= PortSampleSize)
        {
            return;
        }

        for (var i = 0; i < n; i++)
        {
            if (row.Sample[i] == port)
            {
                return;
            }
        }

        row.Sample[n] = port;
        row.SampleCount = (byte)(n + 1);
    }

    // At flush (once per row per minute), not per packet: allocating the text here is fine.
    private static string FormatSample(ref Row row)
    {
        if (row.SampleCount == 0)
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder(row.SampleCount * 6);
        for (var i = 0; i < row.SampleCount; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(row.Sample[i]);
        }

        return sb.ToString();
    }

    internal static int EstimateDistinct(ref PortMap map)
    {
        var set = 0;
        for (var i = 0; i < 4; i++)
        {
            set += BitOperations.PopCount(map[i]);
        }

        var zero = PortMapBits - set;
        return zero == 0
            ? (int)Math.Round(PortMapBits * Math.Log(PortMapBits))
            : (int)Math.Round(-PortMapBits * Math.Log((double)zero / PortMapBits));
    }

    private ref Row Find(NetAddress source, IpProtocol protocol, PacketTag tag)
    {
        // HashCode is seeded per process, so spoofed sources cannot be chosen to collide.
        var i = HashCode.Combine(source.High, source.Low, (byte)protocol, (byte)tag) & _mask;
        while (true)
        {
            ref var row = ref _rows[i];
            if (!row.Used || (row.Source == source && row.Protocol == protocol && row.Tag == tag))
            {
                return ref row;
            }

            i = (i + 1) & _mask;
        }
    }

    [InlineArray(4)]
    internal struct PortMap
    {
        private ulong _bits;
    }

    [InlineArray(PortSampleSize)]
    internal struct PortSample
    {
        private ushort _port;
    }

    private struct Row
    {
        public PortSample Sample;
        public byte SampleCount;
        public NetAddress Source;
        public long Packets;
        public long FirstMs;
        public long LastMs;
        public PortMap Ports;
        public IpProtocol Protocol;
        public PacketTag Tag;
        public bool Used;
    }
}
