using System.Text.Json;
using PortVeil.Enforcement.Nftables;
using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Cli;

/// <summary>The operator verbs against a real `inet portveil` table inside a test namespace (never the host's).</summary>
public class OperatorCliKernelTests
{
    private static string SetElements(NetworkNamespace ns, string set) =>
        ns.Exec("nft", "list", "set", "inet", "portveil", set).EnsureSuccess("list set").StdOut;

    [Fact]
    public async Task Bans_add_puts_the_element_in_the_kernel_set_and_bans_remove_takes_it_out()
    {
        using var ns = NetworkNamespace.Create("pvcli");
        using var enforcer = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false }));
        await enforcer.EnsureTableAsync();
        using var cli = new CliRun(ns.Name);

        var add = cli.Run("bans", "add", "203.0.113.7", "--duration", "10m");
        var add6 = cli.Run("bans", "add", "2001:db8:5:6::/64", "--duration", "10m");

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(0, add6.ExitCode);
        Assert.Contains("203.0.113.7", SetElements(ns, "banned4"), StringComparison.Ordinal);
        Assert.Contains("2001:db8:5:6::", SetElements(ns, "banned6_64"), StringComparison.Ordinal);
        var list = JsonDocument.Parse(cli.Run("bans", "list", "-o", "json").Out).RootElement;
        Assert.True(list.GetProperty("kernel_read").GetBoolean());
        var ban = list.GetProperty("bans").EnumerateArray().Single(b => b.GetProperty("target").GetString() == "203.0.113.7");
        Assert.True(ban.GetProperty("in_kernel").GetBoolean());
        Assert.Equal("banned4", ban.GetProperty("kernel_set").GetString());
        Assert.InRange(ban.GetProperty("kernel_remaining_s").GetInt64(), 500, 600);

        var remove = cli.Run("bans", "remove", "203.0.113.7");

        Assert.Equal(0, remove.ExitCode);
        Assert.Contains("1 kernel element(s) removed", remove.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.7", SetElements(ns, "banned4"), StringComparison.Ordinal);
        Assert.Contains("2001:db8:5:6::", SetElements(ns, "banned6_64"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_24_ban_by_hand_is_one_banned4_24_element_listed_and_lifted_by_an_allow_entry_inside_it()
    {
        using var ns = NetworkNamespace.Create("pvcli");
        using var enforcer = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false }));
        await enforcer.EnsureTableAsync();
        using var cli = new CliRun(ns.Name);

        var add = cli.Run("bans", "add", "198.51.100.0/24", "--duration", "10m");

        Assert.Equal(0, add.ExitCode);
        Assert.Contains("198.51.100.0", SetElements(ns, "banned4_24"), StringComparison.Ordinal);
        var list = JsonDocument.Parse(cli.Run("bans", "list", "-o", "json").Out).RootElement;
        var ban = list.GetProperty("bans").EnumerateArray().Single(b => b.GetProperty("target").GetString() == "198.51.100.0/24");
        Assert.True(ban.GetProperty("in_kernel").GetBoolean());
        Assert.Equal("banned4_24", ban.GetProperty("kernel_set").GetString());

        // One address of the /24 goes on the allowlist: the /24 may no longer be banned whole.
        var allow = cli.Run("allow", "add", "198.51.100.9", "--comment", "a guest");

        Assert.Equal(0, allow.ExitCode);
        Assert.Contains("lifted 1 stored ban(s) and 1 kernel element(s)", allow.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.0", SetElements(ns, "banned4_24"), StringComparison.Ordinal);
        Assert.Equal(4, cli.Run("bans", "add", "198.51.100.0/24").ExitCode);
    }

    [Fact]
    public async Task A_reflex_ban_made_by_the_kernel_is_listed_and_lifted_like_any_other()
    {
        using var ns = NetworkNamespace.Create("pvcli");
        using var enforcer = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false }));
        await enforcer.EnsureTableAsync();
        ns.Exec("nft", "add", "element", "inet", "portveil", "reflex_banned4", "{ 198.51.100.66 timeout 1h }").EnsureSuccess("add reflex element");
        using var cli = new CliRun(ns.Name);
        Assert.Equal(0, cli.Run("bans", "add", "203.0.113.99").ExitCode);

        var list = cli.Run("bans", "list");
        var remove = cli.Run("bans", "remove", "198.51.100.66");

        var row = Assert.Single(list.Out.Split('\n'), l => l.Contains("198.51.100.66", StringComparison.Ordinal));
        Assert.Contains("reflex", row, StringComparison.Ordinal);
        Assert.Contains("reflex_banned4", row, StringComparison.Ordinal);
        Assert.Equal(0, remove.ExitCode);
        Assert.DoesNotContain("198.51.100.66", SetElements(ns, "reflex_banned4"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_add_lifts_a_kernel_ban_inside_the_block()
    {
        using var ns = NetworkNamespace.Create("pvcli");
        using var enforcer = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false }));
        await enforcer.EnsureTableAsync();
        using var cli = new CliRun(ns.Name);
        cli.Run("bans", "add", "198.51.100.70", "--duration", "1h");

        var allow = cli.Run("allow", "add", "198.51.100.64/28", "--comment", "backup host");

        Assert.Equal(0, allow.ExitCode);
        Assert.Contains("lifted 1 stored ban(s) and 1 kernel element(s)", allow.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.70", SetElements(ns, "banned4"), StringComparison.Ordinal);
        Assert.Equal(4, cli.Run("bans", "add", "198.51.100.71").ExitCode);
    }

    [Fact]
    public void Without_a_table_bans_add_stores_the_ban_and_says_the_daemon_will_enforce_it()
    {
        using var ns = NetworkNamespace.Create("pvcli");
        using var cli = new CliRun(ns.Name);

        var add = cli.Run("bans", "add", "203.0.113.8");
        var rules = cli.Run("explain", "rules");

        Assert.Equal(0, add.ExitCode);
        Assert.Contains("table inet portveil does not exist", add.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, ns.Exec("nft", "list", "table", "inet", "portveil").ExitCode);
        Assert.Equal(3, rules.ExitCode);
        Assert.Contains("does not exist", rules.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_rules_reads_the_live_table_explains_every_rule_and_shows_a_foreign_rule_raw()
    {
        using var ns = NetworkNamespace.Create("pvcli");
        using var enforcer = ns.RunInside(() => new NftEnforcer(new NftEnforcerOptions { Watchdog = false, Ruleset = new PortVeilRulesetOptions { RawSynFingerprint = true } }));
        await enforcer.EnsureTableAsync();
        using var cli = new CliRun(ns.Name);

        var clean = cli.Run("explain", "rules", "-o", "json");
        var root = JsonDocument.Parse(clean.Out).RootElement;
        Assert.Equal(0, clean.ExitCode);
        Assert.Equal(0, root.GetProperty("unknown_rules").GetInt32());
        var chains = root.GetProperty("chains").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        foreach (var (name, count) in enforcer.Ruleset.ExpectedRuleCounts)
        {
            Assert.Equal(count, chains[name].GetProperty("rules").GetArrayLength());
        }

        Assert.All(chains.Values.SelectMany(c => c.GetProperty("rules").EnumerateArray()), r => Assert.True(r.GetProperty("known").GetBoolean(), r.GetProperty("text").GetString()));

        ns.Exec("nft", "add", "rule", "inet", "portveil", "mangle", "tcp", "dport", "31337", "counter", "accept").EnsureSuccess("foreign rule");
        var human = cli.Run("explain", "rules");

        Assert.Equal(0, human.ExitCode);
        Assert.Contains("chain raw (hook prerouting, priority -300, policy accept)", human.Out, StringComparison.Ordinal);
        Assert.Contains("ip saddr @banned4 counter packets 0 bytes 0 drop", human.Out, StringComparison.Ordinal);
        Assert.Contains("Raw-scanner fingerprint", human.Out, StringComparison.Ordinal);
        Assert.Contains("31337", human.Out, StringComparison.Ordinal);
        Assert.Contains("Not a rule PortVeil makes", human.Out, StringComparison.Ordinal);
        Assert.Contains("1 rule(s) in the table are not PortVeil's", human.Out, StringComparison.Ordinal);
    }
}
