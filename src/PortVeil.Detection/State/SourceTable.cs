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
/// Each slot has a 4-byte tag (hash bits, 0 = empty) in a separate array: a lookup reads the bucket's 8 tags from one
/// cache line and touches only the entry whose tag matches, instead of 8 entries of 124 bytes.
/// Victim order in a full bucket: an expired entry, then the oldest source that made a single probe (the shape of
/// spoofed noise), then the oldest source. A real scanner that probed twice survives a flood of one-packet sources.
/// </remarks>
internal sealed class SourceTable
{
    private readonly SourceState[] _entries;
    private readonly uint[] _tags;
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
        var slots = (int)(_buckets * (uint)ways);
        _entries = new SourceState[slots];
        _tags = new uint[slots];

        // Touch every page now: memory is committed at start (what `top` shows is what it will ever use) and the
        // first flood does not pay page faults.
        _entries.AsSpan().Clear();
        _tags.AsSpan().Clear();
        _secret = secret != 0 ? secret : BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        _suspectRetentionNs = suspectRetentionNs;
        _benignRetentionNs = benignRetentionNs;
    }

    /// <summary>Bytes per slot: the entry plus its tag.</summary>
    public static int BytesPerSlot => Unsafe.SizeOf<SourceState>() + sizeof(uint);

    public int Capacity => _entries.Length;

    public int Count { get; private set; }

    public long Evictions { get; private set; }

    public long Expired { get; private set; }

    /// <summary>Finds the live entry of <paramref name="key"/>, or returns a null ref.</summary>
    public ref SourceState Find(in SourceKey key, long nowNs)
    {
        var h = key.Hash(_secret);
        var start = BucketStart(h);
        var tag = TagOf(h);
        ref var tags = ref MemoryMarshal.GetArrayDataReference(_tags);
        for (var i = 0; i < _ways; i++)
        {
            if (Unsafe.Add(ref tags, start + i) != tag)
            {
                continue;
            }

            ref var e = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), start + i);
            if (Matches(in e, in key))
            {
                if (IsExpired(in e, nowNs))
                {
                    Free(start + i);
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
        var h = key.Hash(_secret);
        var start = BucketStart(h);
        var tag = TagOf(h);
        ref var tags = ref MemoryMarshal.GetArrayDataReference(_tags);
        ref var entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        var empty = -1;
        for (var i = 0; i < _ways; i++)
        {
            var t = Unsafe.Add(ref tags, start + i);
            if (t == tag)
            {
                ref var e = ref Unsafe.Add(ref entries, start + i);
                if (Matches(in e, in key))
                {
                    if (IsExpired(in e, nowNs))
                    {
                        // Same source, new episode.
                        Expired++;
                        Init(ref e, key, nowNs);
                    }

                    return ref e;
                }
            }
            else if (t == 0 && empty < 0)
            {
                empty = i;
            }
        }

        int slot;
        if (empty >= 0)
        {
            slot = start + empty;
            Count++;
        }
        else
        {
            slot = start + ChooseVictim(start, nowNs, out var expired);
            if (expired)
            {
                Expired++;
            }
            else
            {
                Evictions++;
            }
        }

        Unsafe.Add(ref tags, slot) = tag;
        ref var fresh = ref Unsafe.Add(ref entries, slot);
        Init(ref fresh, key, nowNs);
        return ref fresh;
    }

    /// <summary>Clears every expired entry (periodic tick / end of input). O(capacity).</summary>
    public void ExpireAll(long nowNs)
    {
        for (var i = 0; i < _entries.Length; i++)
        {
            if (_tags[i] != 0 && IsExpired(in _entries[i], nowNs))
            {
                Free(i);
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ChooseVictim(int start, long nowNs, out bool expired)
    {
        var victim = 0;
        var victimRank = int.MaxValue;
        var victimSeen = long.MaxValue;
        for (var i = 0; i < _ways; i++)
        {
            ref var e = ref _entries[start + i];
            var rank = IsExpired(in e, nowNs) ? 1 : e.Probes <= 1 ? 2 : 3;
            if (rank < victimRank || (rank == victimRank && e.LastSeenNs < victimSeen))
            {
                victim = i;
                victimRank = rank;
                victimSeen = e.LastSeenNs;
            }
        }

        expired = victimRank == 1;
        return victim;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Matches(in SourceState e, in SourceKey key) =>
        e.AddressLow == key.Address.Low && e.AddressHigh == key.Address.High && (e.Bits & StateBits.KindMask) == (StateBits)((int)key.Kind + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int BucketStart(ulong h) =>
        // Lemire's multiply-shift range reduction on the high half: any bucket count, no modulo.
        (int)(uint)(((h >> 32) * _buckets) >> 32) * _ways;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint TagOf(ulong h) => (uint)h | 1u;

    private void Free(int slot)
    {
        _tags[slot] = 0;
        _entries[slot] = default;
    }

    private static void Init(ref SourceState e, in SourceKey key, long nowNs)
    {
        e = default;
        e.AddressHigh = key.Address.High;
        e.AddressLow = key.Address.Low;
        e.Bits = (StateBits)((int)key.Kind + 1);
        e.FirstSeenNs = nowNs;
        e.LastSeenNs = nowNs;
    }
}
