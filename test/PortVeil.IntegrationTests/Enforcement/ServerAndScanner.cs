using System.Net.Sockets;
using System.Text.Json;
using PortVeil.Core;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Enforcement;

/// <summary>
/// A server namespace running the enforcer and a scanner namespace, linked by a veth pair:
/// server 198.51.100.1 / 2001:db8:1::1, scanner 198.51.100.2 / 2001:db8:1::2 plus 2001:db8:2::5 and ::6 (a
/// second /64 routed through the scanner, for /64 bans).
/// </summary>
internal sealed class ServerAndScanner : IDisposable
{
    public const string ServerV4 = "198.51.100.1";
    public const string ScannerV4 = "198.51.100.2";
    public const string ServerV6 = "2001:db8:1::1";
    public const string ScannerV6 = "2001:db8:1::2";
    public const string ScannerOther64A = "2001:db8:2::5";
    public const string ScannerOther64B = "2001:db8:2::6";

    private ServerAndScanner(NetworkNamespace server, NetworkNamespace scanner)
    {
        Server = server;
        Scanner = scanner;
    }

    public NetworkNamespace Server { get; }

    public NetworkNamespace Scanner { get; }

    public static ServerAndScanner Create()
    {
        var server = NetworkNamespace.Create("srv");
        NetworkNamespace? scanner = null;
        try
        {
            scanner = NetworkNamespace.Create("scn");
            NetworkNamespace.Link(server, "veth-s", ServerV4 + "/24", scanner, "veth-c", ScannerV4 + "/24");
            server.Exec("ip", "-6", "addr", "add", ServerV6 + "/64", "dev", "veth-s", "nodad").EnsureSuccess("v6 server");
            scanner.Exec("ip", "-6", "addr", "add", ScannerV6 + "/64", "dev", "veth-c", "nodad").EnsureSuccess("v6 scanner");
            scanner.Exec("ip", "-6", "addr", "add", ScannerOther64A + "/64", "dev", "veth-c", "nodad").EnsureSuccess("v6 a");
            scanner.Exec("ip", "-6", "addr", "add", ScannerOther64B + "/64", "dev", "veth-c", "nodad").EnsureSuccess("v6 b");
            server.Exec("ip", "-6", "route", "add", "2001:db8:2::/64", "via", ScannerV6).EnsureSuccess("v6 route");
            return new ServerAndScanner(server, scanner);
        }
        catch
        {
            scanner?.Dispose();
            server.Dispose();
            throw;
        }
    }

    /// <summary>One ping from the scanner (optionally from a given source address); true when answered within 1 s.</summary>
    public bool Ping(string target, string? from = null)
    {
        List<string> args = ["-c", "1", "-W", "1"];
        if (from is not null)
        {
            args.AddRange(["-I", from]);
        }

        args.Add(target);
        return Scanner.Exec("ping", args, TestTimeouts.Command).ExitCode == 0;
    }

    /// <summary>The packet counters of the raw chain's three drop rules, read back as JSON.</summary>
    public long RawDrops()
    {
        var json = Server.Exec("nft", "-j", "list", "chain", "inet", "portveil", "raw").EnsureSuccess("list raw").StdOut;
        using var doc = JsonDocument.Parse(json);
        long total = 0;
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("rule", out var rule))
            {
                foreach (var e in rule.GetProperty("expr").EnumerateArray())
                {
                    if (e.TryGetProperty("counter", out var c) && c.ValueKind == JsonValueKind.Object)
                    {
                        total += c.GetProperty("packets").GetInt64();
                    }
                }
            }
        }

        return total;
    }

    /// <summary>
    /// A fresh pair with a TCP listener on <paramref name="port"/> in the server and an enforcer whose table serves
    /// that port; every part is disposed by the caller (the pair too, when setting up fails).
    /// </summary>
    public static async Task<(ServerAndScanner Net, NftEnforcer Enforcer, TcpListener Listener)> ServeTcpAsync(ushort port, PortVeilRulesetOptions options)
    {
        var net = Create();
        try
        {
            var listener = net.Server.ListenTcp(port);
            var enforcer = net.StartEnforcer(options);
            await enforcer.EnsureTableAsync();
            await enforcer.UpdateServedAsync([new(IpProtocol.Tcp, port)], []);
            return (net, enforcer, listener);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    public NftEnforcer StartEnforcer(PortVeilRulesetOptions? ruleset = null, bool watchdog = false) =>
        Server.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Ruleset = ruleset ?? new PortVeilRulesetOptions(), Watchdog = watchdog }));

    /// <summary>Waits (bounded by <paramref name="timeout"/>) until <paramref name="condition"/> holds.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return condition();
    }

    public void Dispose()
    {
        Scanner.Dispose();
        Server.Dispose();
    }
}
