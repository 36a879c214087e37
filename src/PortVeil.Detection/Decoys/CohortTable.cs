using System.Numerics;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Detection.State;

namespace PortVeil.Detection.Decoys;

/// <summary>
/// Decoy cohorts (nmap -D): unverified sources whose probes hit the same host and port within a few milliseconds of
/// each other, port after port. nmap sends each probe once from every decoy and from the scanner, back to back, with
/// identical TCP headers (only the source address and a random TTL differ), so coincidences are counted only between
/// probes of the same kind and TCP window; TTL is never compared. Identical copies (same TCP source port and
/// sequence number, 48 bits an independent scanner shares by chance about once in 2^48) count within
/// <see cref="IdentityWindowNs"/> rather than the short window: under CPU load nmap is descheduled between two
/// copies' sendto() calls (issue 5: a gap after the first decoy's copy, 5.5 ms at load 7, more at load 15-20), and a
/// first decoy whose first bursts were missed got an ordinary verdict, so a ban.
/// </summary>
/// <remarks>
/// Bounded and allocation-free per probe: a ring of the last 64 probes (scanned newest first, stopping at the first
/// one older than the window, and only when another probe hit the same port within the window: a 4,096-slot table
/// of last times says so in one lookup) and 32 cohorts of at most 8 members (nmap -D takes any number of decoys;
/// beyond 8 the extra ones are judged alone). About 40 KiB in all.
/// </remarks>
internal sealed class CohortTable
{
    public const int RingSize = 64;
    public const int Capacity = 32;
    public const int MaxMembers = 8;

    /// <summary>How far apart identical copies may be: 1 s, 100 times the 10 ms default window, and still far below
    /// the ring's reach at nmap -T4 rates (64 probes).</summary>
    public const long IdentityWindowNs = 1_000_000_000;

    private readonly long _windowNs;
    private readonly long _identityWindowNs;
    private readonly long _retentionNs;

    // The ring of recent probes, newest at _next - 1.
    private readonly long[] _time = new long[RingSize];
    private readonly ulong[] _sourceHigh = new ulong[RingSize];
    private readonly ulong[] _sourceLow = new ulong[RingSize];
    private readonly ulong[] _destination = new ulong[RingSize];
    private readonly ulong[] _shape = new ulong[RingSize];
    private readonly ulong[] _identity = new ulong[RingSize];
    private readonly bool[] _counted = new bool[RingSize];
    private int _next;
    private int _fill;

    // Last probe time per (destination, port) hash: when no probe hit this port within the window, there is nothing
    // to compare with and the ring is not scanned at all (a busy host or a spoofed flood fills the ring within 10 ms).
    private readonly long[] _lastAt = new long[4096];

    // Cohorts: members [c * MaxMembers, c * MaxMembers + count), their coincident probes, and a 128-bit port sketch.
    private readonly ulong[] _memberHigh = new ulong[Capacity * MaxMembers];
    private readonly ulong[] _memberLow = new ulong[Capacity * MaxMembers];
    private readonly byte[] _hits = new byte[Capacity * MaxMembers];
    private readonly int[] _count = new int[Capacity];
    private readonly ulong[] _portsLow = new ulong[Capacity];
    private readonly ulong[] _portsHigh = new ulong[Capacity];
    private readonly long[] _lastSeen = new long[Capacity];

    public CohortTable(long windowNs, long retentionNs)
    {
        _windowNs = windowNs;
        _identityWindowNs = Math.Max(windowNs, IdentityWindowNs);
        _retentionNs = retentionNs;
    }

    /// <summary>Records one first-contact probe of an unverified source and counts its coincidences.</summary>
    /// <param name="identity">What identical copies share besides the shape (<see cref="TcpIdentity"/>), 0 when nothing does.</param>
    public void Record(NetAddress source, ulong destination, ushort port, ushort window, ProbeKind kind, ulong identity, long now)
    {
        var shape = ((ulong)port << 32) | ((ulong)kind << 16) | window;
        var counted = false;
        var reach = identity == 0 ? _windowNs : _identityWindowNs;
        var slot = (int)((port ^ (destination * 0x9E37_79B9_7F4A_7C15UL >> 52)) & 4095);
        var fill = now - _lastAt[slot] <= reach ? _fill : 0;
        _lastAt[slot] = now;
        for (var n = 1; n <= fill; n++)
        {
            var i = (_next - n + RingSize) % RingSize;
            var age = now - _time[i];
            if (age > reach)
            {
                break;
            }

            if (_shape[i] != shape || _destination[i] != destination || (_sourceHigh[i] == source.High && _sourceLow[i] == source.Low)
                || (age > _windowNs && _identity[i] != identity))
            {
                continue;
            }

            var c = FindOrCreate(source.High, source.Low, _sourceHigh[i], _sourceLow[i], now);
            var bit = (port * 0x9E37_79B1u) >> 25;
            if (bit < 64)
            {
                _portsLow[c] |= 1UL << (int)bit;
            }
            else
            {
                _portsHigh[c] |= 1UL << (int)(bit - 64);
            }

            if (!_counted[i])
            {
                _counted[i] = true;
                AddHit(c, _sourceHigh[i], _sourceLow[i]);
            }

            if (!counted)
            {
                counted = true;
                AddHit(c, source.High, source.Low);
            }
        }

        var j = _next;
        _time[j] = now;
        _sourceHigh[j] = source.High;
        _sourceLow[j] = source.Low;
        _destination[j] = destination;
        _shape[j] = shape;
        _identity[j] = identity;
        _counted[j] = counted;
        _next = (j + 1) % RingSize;
        if (_fill < RingSize)
        {
            _fill++;
        }
    }

    /// <summary>A TCP probe's copy identity: source port and sequence number (never 0, so it always takes part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong TcpIdentity(ushort sourcePort, uint sequence) => (1UL << 63) | ((ulong)sequence << 16) | sourcePort;

    /// <summary>The cohort holding <paramref name="source"/> and its coincident probes; false when it is in none (or it expired).</summary>
    public bool TryFind(NetAddress source, long now, out int cohort, out int hits)
    {
        for (var c = 0; c < Capacity; c++)
        {
            if (_count[c] == 0 || now - _lastSeen[c] > _retentionNs)
            {
                continue;
            }

            var m = IndexOf(c, source.High, source.Low);
            if (m >= 0)
            {
                cohort = c;
                hits = _hits[m];
                return true;
            }
        }

        cohort = -1;
        hits = 0;
        return false;
    }

    /// <summary>Distinct coincident ports of the cohort (a 128-bit sketch: collisions can only undercount).</summary>
    public int Ports(int cohort) => BitOperations.PopCount(_portsLow[cohort]) + BitOperations.PopCount(_portsHigh[cohort]);

    /// <summary>Members with at least <paramref name="minHits"/> coincident probes.</summary>
    public int CountMembers(int cohort, int minHits)
    {
        var n = 0;
        for (var m = cohort * MaxMembers; m < (cohort * MaxMembers) + _count[cohort]; m++)
        {
            n += _hits[m] >= minHits ? 1 : 0;
        }

        return n;
    }

    /// <summary>The members with at least <paramref name="minHits"/> coincident probes (cold path: allocates).</summary>
    public NetAddress[] Members(int cohort, int minHits)
    {
        var list = new NetAddress[CountMembers(cohort, minHits)];
        var k = 0;
        for (var m = cohort * MaxMembers; m < (cohort * MaxMembers) + _count[cohort]; m++)
        {
            if (_hits[m] >= minHits)
            {
                list[k++] = new NetAddress(_memberHigh[m], _memberLow[m]);
            }
        }

        return list;
    }

    /// <summary>Drops <paramref name="source"/>'s coincidences (it completed a handshake: no longer a forged-looking member).</summary>
    public void Forget(NetAddress source)
    {
        for (var c = 0; c < Capacity; c++)
        {
            var m = _count[c] == 0 ? -1 : IndexOf(c, source.High, source.Low);
            if (m >= 0)
            {
                _hits[m] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int FindOrCreate(ulong aHigh, ulong aLow, ulong bHigh, ulong bLow, long now)
    {
        var free = -1;
        var oldest = 0;
        for (var c = 0; c < Capacity; c++)
        {
            var live = _count[c] > 0 && now - _lastSeen[c] <= _retentionNs;
            if (live && (IndexOf(c, aHigh, aLow) >= 0 || IndexOf(c, bHigh, bLow) >= 0))
            {
                Join(c, aHigh, aLow);
                Join(c, bHigh, bLow);
                _lastSeen[c] = now;
                return c;
            }

            if (!live && free < 0)
            {
                free = c;
            }
            else if (live && _lastSeen[c] < _lastSeen[oldest])
            {
                oldest = c;
            }
        }

        oldest = free >= 0 ? free : oldest;

        // A new cohort replaces a free slot or the one seen longest ago.
        _count[oldest] = 0;
        _portsLow[oldest] = 0;
        _portsHigh[oldest] = 0;
        _lastSeen[oldest] = now;
        Join(oldest, aHigh, aLow);
        Join(oldest, bHigh, bLow);
        return oldest;
    }

    private void Join(int c, ulong high, ulong low)
    {
        if (IndexOf(c, high, low) >= 0 || _count[c] >= MaxMembers)
        {
            return;
        }

        var m = (c * MaxMembers) + _count[c]++;
        _memberHigh[m] = high;
        _memberLow[m] = low;
        _hits[m] = 0;
    }

    private void AddHit(int c, ulong high, ulong low)
    {
        var m = IndexOf(c, high, low);
        if (m >= 0 && _hits[m] < byte.MaxValue)
        {
            _hits[m]++;
        }
    }

    private int IndexOf(int c, ulong high, ulong low)
    {
        for (var m = c * MaxMembers; m < (c * MaxMembers) + _count[c]; m++)
        {
            if (_memberHigh[m] == high && _memberLow[m] == low)
            {
                return m;
            }
        }

        return -1;
    }
}
