using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PortVeil.Core;

namespace PortVeil.Detection.State;

/// <summary>
/// Fixed-capacity, set-associative table of <see cref="SourceState"/> (scanlogd's bounded host list, in structs).
/// A source lives in one bucket of <c>ways</c> entries chosen by a keyed hash with a random secret, so a spoofed
/// flood can neither grow memory nor lengthen lookups: it only evicts inside the buckets it hits.
/// </summary>
/// <remarks>
/// Victim order in a full bucket: an empty slot, then an expired one, then the oldest source that made a single
/// probe (the shape of spoofed noise), then the oldest source. A real scanner that probed twice survives a flood of
/// one-packet sources.
/// </remarks>
internal sealed class SourceTable
{
    private readonly SourceState[] _entries;
    private readonly int _ways;
    private readonly uint _buckets;
    private readonly ulong _secret;
    private readonly long _suspectRetentionNs;
    private readonly long _benignRetentionNs;

    public SourceTable(int capacity, int ways, ulong secret, long suspectRetentionNs, long benignRetentionNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ways, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, ways);
        _ways = ways;
        _buckets = (uint)(capacity / ways);
        _entries = GC.AllocateArray<SourceState>((int)(_buckets * (uint)ways), pinned: false);
        _secret = secret != 0 ? secret : BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        _suspectRetentionNs = suspectRetentionNs;
        _benignRetentionNs = benignRetentionNs;
    }

    public int Capacity => _entries.Length;

    public int Count { get; private set; }

    public long Evictions { get; private set; }

    public long Expired { get; private set; }

    /// <summary>Finds the live entry of <paramref name="key"/>, or returns a null ref.</summary>
    public ref SourceState Find(in SourceKey key, long nowNs)
    {
        var start = BucketStart(key);
        var kindBits = (StateBits)((int)key.Kind + 1);
        ref var first = ref MemoryMarshal.GetArrayDataReference(_entries);
        for (var i = 0; i < _ways; i++)
        {
            ref var e = ref Unsafe.Add(ref first, start + i);
            if (e.AddressLow == key.Address.Low && e.AddressHigh == key.Address.High && (e.Bits & StateBits.KindMask) == kindBits)
            {
                if (IsExpired(in e, nowNs))
                {
                    Clear(ref e);
                    Expired++;
                    Count--;
                    return ref Unsafe.NullRef<SourceState>();
                }

                return ref e;
            }
        }

        return ref Unsafe.NullRef<SourceState>();
    }

    /// <summary>Finds or creates the entry of <paramref name="key"/>; a new entry starts at <paramref name="nowNs"/>.</summary>
    public ref SourceState GetOrAdd(in SourceKey key, long nowNs)
    {
        var start = BucketStart(key);
        var kindBits = (StateBits)((int)key.Kind + 1);
        ref var first = ref MemoryMarshal.GetArrayDataReference(_entries);
        var victim = -1;
        var victimRank = int.MaxValue;
        var victimSeen = long.MaxValue;
        for (var i = 0; i < _ways; i++)
        {
            ref var e = ref Unsafe.Add(ref first, start + i);
            if (!e.InUse)
            {
                if (victimRank > 0)
                {
                    victim = i;
                    victimRank = 0;
                }

                continue;
            }

            if (e.AddressLow == key.Address.Low && e.AddressHigh == key.Address.High && (e.Bits & StateBits.KindMask) == kindBits)
            {
                if (IsExpired(in e, nowNs))
                {
                    // Same source, new episode.
                    Clear(ref e);
                    Expired++;
                    Init(ref e, key, kindBits, nowNs);
                }

                return ref e;
            }

            int rank = IsExpired(in e, nowNs) ? 1 : e.Probes <= 1 ? 2 : 3;
            if (rank < victimRank || (rank == victimRank && e.LastSeenNs < victimSeen))
            {
                victim = i;
                victimRank = rank;
                victimSeen = e.LastSeenNs;
            }
        }

        ref var slot = ref Unsafe.Add(ref first, start + victim);
        if (victimRank == 0)
        {
            Count++;
        }
        else if (victimRank == 1)
        {
            Expired++;
        }
        else
        {
            Evictions++;
        }

        Clear(ref slot);
        Init(ref slot, key, kindBits, nowNs);
        return ref slot;
    }

    /// <summary>Clears every expired entry (periodic tick / end of input). O(capacity).</summary>
    public void ExpireAll(long nowNs)
    {
        var entries = _entries.AsSpan();
        for (var i = 0; i < entries.Length; i++)
        {
            ref var e = ref entries[i];
            if (e.InUse && IsExpired(in e, nowNs))
            {
                Clear(ref e);
                Expired++;
                Count--;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsExpired(in SourceState e, long nowNs)
    {
        var retention = e.Failures > 0 || e.Has(StateBits.VerdictEmitted) ? _suspectRetentionNs : _benignRetentionNs;
        return nowNs - e.LastSeenNs > retention;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int BucketStart(in SourceKey key)
    {
        var h = key.Hash(_secret);
        // Lemire's multiply-shift range reduction: any bucket count, no modulo.
        var bucket = (uint)(((h >> 32) * _buckets) >> 32);
        return (int)bucket * _ways;
    }

    private static void Clear(ref SourceState e) => e = default;

    private static void Init(ref SourceState e, in SourceKey key, StateBits kindBits, long nowNs)
    {
        e.AddressHigh = key.Address.High;
        e.AddressLow = key.Address.Low;
        e.Bits = kindBits;
        e.FirstSeenNs = nowNs;
        e.LastSeenNs = nowNs;
    }
}
