using System.Diagnostics;
using System.Globalization;
using PortVeil.Core;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Nflog;

/// <summary>Shared steps of the NFLOG tests: rules in the server namespace, a source opened there, reading events.</summary>
internal static class NflogTestLab
{
    public const ushort Group = NflogDefaults.Group;

    public static readonly string GroupText = Group.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Every new opener arriving on eth0 logged to <see cref="Group"/> as unserved and dropped, without conntrack
    /// (no `ct`, no NAT in the namespace), so a flood never fills a conntrack table.
    /// </summary>
    public static readonly string LogAndDropEverySyn = $$"""
        table inet pvtest {
            chain pre {
                type filter hook prerouting priority mangle; policy accept;
                iifname "eth0" tcp flags & (syn | ack) == syn log group {{GroupText}} prefix "{{NflogPrefixes.Unserved}}" drop
            }
        }
        """;

    /// <summary>Loads an nft ruleset into the server namespace only (the text is built from constants by the test).</summary>
    public static void LoadRules(LabHost host, string rules) =>
        host.Exec("nft", ["-f", "-"], TestTimeouts.Command, rules).EnsureSuccess($"nft -f - in {host.Name}");

    public static NflogSource OpenIn(LabHost host, NflogOptions? options = null) =>
        host.RunInside(() => NflogSource.Open(options));

    /// <summary>Reads events until <paramref name="done"/> holds or <paramref name="timeout"/> passes.</summary>
    public static List<PacketEvent> Collect(NflogSource source, Func<List<PacketEvent>, bool> done, TimeSpan timeout)
    {
        var events = new List<PacketEvent>();
        var clock = Stopwatch.StartNew();
        while (!done(events) && clock.Elapsed < timeout)
        {
            var wait = timeout - clock.Elapsed;
            if (source.TryRead(out var packet, wait < TimeSpan.FromMilliseconds(200) ? wait : TimeSpan.FromMilliseconds(200)))
            {
                events.Add(packet);
            }
        }

        return events;
    }

    /// <summary>Reads whatever arrives until nothing comes for <paramref name="quiet"/>, at most <paramref name="max"/> events.</summary>
    public static List<PacketEvent> Drain(NflogSource source, TimeSpan quiet, int max = 1_000_000)
    {
        var events = new List<PacketEvent>();
        while (events.Count < max && source.TryRead(out var packet, quiet))
        {
            events.Add(packet);
        }

        return events;
    }

    public static long NowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
