using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PortVeil.Detection.Distributed;

/// <summary>Bounded, 4-way set-associative table of <see cref="GroupState"/>; the stalest group in a bucket is replaced.</summary>
internal sealed class GroupTable
{
    private const int Ways = 4;
    private readonly GroupState[] _groups;
    private readonly uint _buckets;
    private readonly ulong _secret;
    private readonly long _windowNs;

    public GroupTable(int capacity, long windowNs, ulong secret)
    {
        _buckets = (uint)Math.Max(1, capacity / Ways);
        _groups = new GroupState[_buckets * Ways];
        _windowNs = windowNs;
        _secret = secret != 0 ? secret : BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    public ref GroupState GetOrAdd(GroupKind kind, ulong keyHigh, ulong keyLow, long nowNs)
    {
        var h = Mix(keyHigh ^ _secret ^ ((ulong)kind << 60)) ^ keyLow;
        h = Mix(h + 0x9E37_79B9_7F4A_7C15UL);
        var start = (int)(uint)(((h >> 32) * _buckets) >> 32) * Ways;
        ref var first = ref MemoryMarshal.GetArrayDataReference(_groups);
        var victim = 0;
        var victimSeen = long.MaxValue;
        for (var i = 0; i < Ways; i++)
        {
            ref var g = ref Unsafe.Add(ref first, start + i);
            if (g.Kind == kind && g.KeyHigh == keyHigh && g.KeyLow == keyLow)
            {
                if (nowNs - g.LastSeenNs > _windowNs)
                {
                    Reset(ref g, kind, keyHigh, keyLow, nowNs);
                }

                return ref g;
            }

            var seen = g.Kind == GroupKind.None ? long.MinValue : g.LastSeenNs;
            if (seen < victimSeen)
            {
                victim = i;
                victimSeen = seen;
            }
        }

        ref var slot = ref Unsafe.Add(ref first, start + victim);
        Reset(ref slot, kind, keyHigh, keyLow, nowNs);
        return ref slot;
    }

    public void ExpireAll(long nowNs)
    {
        var groups = _groups.AsSpan();
        for (var i = 0; i < groups.Length; i++)
        {
            if (groups[i].Kind != GroupKind.None && nowNs - groups[i].LastSeenNs > _windowNs)
            {
                groups[i] = default;
            }
        }
    }

    private static void Reset(ref GroupState g, GroupKind kind, ulong keyHigh, ulong keyLow, long nowNs)
    {
        g = default;
        g.Kind = kind;
        g.KeyHigh = keyHigh;
        g.KeyLow = keyLow;
        g.FirstSeenNs = nowNs;
        g.LastSeenNs = nowNs;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }
}
