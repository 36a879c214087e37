using System.Globalization;

namespace PortVeil.TestSupport.Lab;

/// <summary>Runs the real hping3 inside a lab host, always bounded in count or time.</summary>
public static class Hping
{
    /// <summary>Sends <paramref name="count"/> SYNs to one port, one every <paramref name="intervalMicroseconds"/>.</summary>
    public static ProcessResult Syn(LabHost from, string target, int port, int count, int intervalMicroseconds = 1000)
    {
        ArgumentNullException.ThrowIfNull(from);
        DocumentationRanges.EnsureAllowed(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1_000_000);
        string[] args =
        [
            "-q", "-S", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", count.ToString(CultureInfo.InvariantCulture),
            "-i", "u" + intervalMicroseconds.ToString(CultureInfo.InvariantCulture),
            target,
        ];
        // hping3 exits 1 when no reply came back (a dropped probe), which is what the tests expect; only a
        // missing binary or a timeout is a failure here.
        return from.Exec("hping3", args, TestTimeouts.Scan);
    }

    /// <summary>
    /// SYN flood with random source ports to one destination port for <paramref name="duration"/> (at most 10 s),
    /// then killed by PID. With <paramref name="incrementPort"/> the destination port counts up per packet.
    /// </summary>
    public static void Flood(LabHost from, string target, int port, TimeSpan duration, bool incrementPort = false)
    {
        ArgumentNullException.ThrowIfNull(from);
        DocumentationRanges.EnsureAllowed(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, TimeSpan.FromSeconds(10));
        var portArg = (incrementPort ? "++" : "") + port.ToString(CultureInfo.InvariantCulture);
        using var flood = from.Start("hping3", "-q", "-S", "--flood", "-p", portArg, target);
        Thread.Sleep(duration);
    }

    /// <summary>
    /// SYNs with a forged source address (hping3 -a) to consecutive ports from <paramref name="firstPort"/>: what an
    /// attacker does to make a protector ban someone else. Bounded by <paramref name="count"/>.
    /// </summary>
    public static ProcessResult SpoofedSynScan(LabHost from, string spoofedSource, string target, int firstPort, int count)
    {
        ArgumentNullException.ThrowIfNull(from);
        DocumentationRanges.EnsureAllowed(spoofedSource);
        DocumentationRanges.EnsureAllowed(target);
        return from.Exec("hping3",
            ["-q", "-S", "-a", spoofedSource, "-p", "++" + firstPort.ToString(CultureInfo.InvariantCulture),
             "-c", count.ToString(CultureInfo.InvariantCulture), "-i", "u20000", target],
            TestTimeouts.Scan);
    }
}
