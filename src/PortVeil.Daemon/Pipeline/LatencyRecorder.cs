namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Keeps the most recent latencies (nanoseconds) in a fixed ring, for percentiles in metrics and benchmarks.
/// 65 536 samples: enough for a stable p99, 512 KB at most.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly long[] _ring = new long[65_536];
    private readonly Lock _gate = new();
    private long _count;

    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Record(long nanoseconds)
    {
        lock (_gate)
        {
            _ring[_count % _ring.Length] = nanoseconds;
            _count++;
        }
    }

    /// <summary>The kept samples (ns) in the order they were recorded (oldest first once the ring wrapped).</summary>
    public long[] Snapshot()
    {
        lock (_gate)
        {
            var kept = (int)Math.Min(_count, _ring.Length);
            var copy = new long[kept];
            for (var i = 0; i < kept; i++)
            {
                copy[i] = _ring[(_count - kept + i) % _ring.Length];
            }

            return copy;
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) of the kept samples, in milliseconds; NaN when there are none.</summary>
    public double QuantileMs(double quantile)
    {
        long[] copy;
        lock (_gate)
        {
            copy = _ring[..(int)Math.Min(_count, _ring.Length)];
        }

        if (copy.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(copy);
        var index = (int)Math.Clamp(Math.Ceiling(quantile * copy.Length) - 1, 0, copy.Length - 1);
        return copy[index] / 1e6;
    }
}
