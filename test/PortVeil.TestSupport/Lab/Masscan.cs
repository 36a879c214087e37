using System.Globalization;

namespace PortVeil.TestSupport.Lab;

/// <summary>Runs the real masscan inside a lab host.</summary>
public static class Masscan
{
    /// <summary>
    /// SYN-scans <paramref name="ports"/> (masscan syntax, "1-200") of <paramref name="target"/> at
    /// <paramref name="rate"/> packets/s and returns the open ports it reported. masscan sends from its own
    /// stack, so it is told the interface, its source address and the next hop's MAC (the target is on-link).
    /// </summary>
    /// <remarks>
    /// Measured here (masscan 1.3.2 on veth): at 2000 packets/s with --wait 1 its libpcap receive side missed
    /// SYN/ACKs that tcpdump saw on the wire; at 500/s with --wait 2 it reported every open port in each run — but
    /// once in a full CI-style run it still missed 22, so every probe is sent twice (--retries 1).
    /// </remarks>
    public static IReadOnlyList<int> Scan(LabHost from, LabHost target, string ports, int rate = 500, int waitSeconds = 2)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 100_000);
        string[] args =
        [
            "-p", ports, target.IPv4,
            "--rate", rate.ToString(CultureInfo.InvariantCulture),
            "--wait", waitSeconds.ToString(CultureInfo.InvariantCulture),
            "--retries", "1",
            "--adapter", from.Interface,
            "--adapter-ip", from.IPv4,
            "--router-mac", target.Mac,
            "-oL", "-",
        ];
        var result = from.Exec("masscan", args, TestTimeouts.Scan).EnsureSuccess("masscan " + string.Join(' ', args));
        return ParseList(result.StdOut);
    }

    /// <summary>Parses masscan's list output: `open tcp 22 203.0.113.10 1700000000` per open port.</summary>
    public static IReadOnlyList<int> ParseList(string output)
    {
        var open = new SortedSet<int>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3 && fields[0] == "open" && int.TryParse(fields[2], CultureInfo.InvariantCulture, out var port))
            {
                open.Add(port);
            }
        }

        return [.. open];
    }
}
