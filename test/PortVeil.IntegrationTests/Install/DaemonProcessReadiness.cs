using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Install;

/// <summary>
/// Waits for a `portveil run` process in a lab server to be ready to see a scan: its table exists, its NFLOG group
/// is bound (the table comes first, and under strace or a busy machine the gap is seconds), and port 22 is served.
/// </summary>
internal static class DaemonProcessReadiness
{
    public static bool WaitUntilReady(LabHost server, int servedPort) =>
        WaitUntil(() =>
            server.Exec("nft", "list", "table", "inet", "portveil").ExitCode == 0
            && NflogGroupBound(server)
            && server.Exec("nft", "list", "set", "inet", "portveil", "served").StdOut.Contains(" " + servedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    /// <summary>True once the scanner's address is in the daemon's ban set or the kernel's reflex ban set.</summary>
    public static bool WaitUntilBanned(LabHost server, string address) =>
        WaitUntil(() =>
            server.Exec("nft", "list", "set", "inet", "portveil", "banned4").StdOut.Contains(address, StringComparison.Ordinal)
            || server.Exec("nft", "list", "set", "inet", "portveil", "reflex_banned4").StdOut.Contains(address, StringComparison.Ordinal));

    // /proc/net/netfilter/nfnetlink_log: one line per bound group, the group number first.
    private static bool NflogGroupBound(LabHost server) =>
        server.Exec("cat", "/proc/net/netfilter/nfnetlink_log").StdOut.Split('\n')
            .Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var g, ..]
                && g == PortVeilRulesetDefaults.NflogGroup.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static bool WaitUntil(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event + TestTimeouts.Event + TestTimeouts.Event; DateTime.UtcNow < deadline; Thread.Sleep(200))
        {
            if (condition())
            {
                return true;
            }
        }

        return false;
    }
}
