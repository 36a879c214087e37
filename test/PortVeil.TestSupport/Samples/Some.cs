using PortVeil.Core;

namespace PortVeil.TestSupport.Samples;

/// <summary>
/// Small builders of realistic records, shared by every test project and the benchmarks so that one scan
/// reads the same everywhere: an nmap SYN scan from a documentation address, judged by TRW and banned.
/// </summary>
/// <remarks>
/// Records are split by kind into <c>Some.Verdicts.cs</c> (evidence and verdicts) and <c>Some.Records.cs</c>
/// (stored bans, incidents and event minutes). Every address is in a documentation range.
/// </remarks>
public static partial class Some
{
    /// <summary>A fixed instant, so stored rows and printed times are the same on every run.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The host name stored rows carry unless a test says otherwise.</summary>
    public const string Host = "host-a";

    /// <summary>The ban reason the daemon writes for the sample scan.</summary>
    public const string BanReason = "trw: 5 failures, 0 successes (nmap)";

    /// <summary>203.0.113.<paramref name="last"/>.</summary>
    public static NetAddress Address(int last = 7)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(last);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, 255);
        return NetAddress.FromV4(0xCB00_7100u + (uint)last);
    }

    /// <summary>Nanoseconds since the Unix epoch, the unit of <see cref="Verdict.DecidedAtNs"/>.</summary>
    public static long Ns(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>The inverse of <see cref="Ns"/> (to 100 ns).</summary>
    public static DateTimeOffset At(long ns) => DateTimeOffset.UnixEpoch.AddTicks(ns / 100);
}
