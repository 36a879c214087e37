namespace PortVeil.TestSupport.Lab;

/// <summary>Runs the real nmap inside a lab host and parses its XML report.</summary>
public static class Nmap
{
    /// <summary>
    /// Runs `nmap -n --disable-arp-ping -e eth0 -oX - OPTIONS TARGET` in <paramref name="from"/>, bounded by
    /// <paramref name="timeout"/> (default <see cref="TestTimeouts.Scan"/>). Pass `-6` with an IPv6 target.
    /// </summary>
    /// <param name="options">nmap options such as "-sS", "-p", "1-200", "-T4"; never a target.</param>
    public static NmapResult Scan(LabHost from, string target, IEnumerable<string> options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        DocumentationRanges.EnsureAllowed(target);
        string[] args = ["-n", "--disable-arp-ping", "-e", from.Interface, "-oX", "-", .. options, target];
        var result = from.Exec("nmap", args, timeout ?? TestTimeouts.Scan).EnsureSuccess("nmap " + string.Join(' ', args));
        return NmapResult.Parse(result.StdOut, result.StdErr);
    }

    public static NmapResult Scan(LabHost from, string target, params string[] options) => Scan(from, target, options, null);
}
