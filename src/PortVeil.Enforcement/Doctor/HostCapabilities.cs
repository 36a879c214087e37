using System.Runtime.InteropServices;
using System.Text.Json;
using PortVeil.Core;
using PortVeil.Enforcement.Interop;
using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.Doctor;

/// <summary>
/// What this host can do for PortVeil, and what else guards its firewall. Kernel features are tried for real, but
/// only inside a throwaway network namespace (unshare(2) on a thread of our own; it vanishes with the thread) or,
/// when that is not allowed, as a dry run that the kernel validates and never commits. The host's own firewall is
/// only ever listed, never changed.
/// </summary>
public static class HostCapabilities
{
    private const string TrialTable = "add table inet pvdoctor\n";

    private const string TrialChain = TrialTable
        + "add chain inet pvdoctor c { type filter hook prerouting priority -150; policy accept; }\n";

    /// <summary>Runs every check; <paramref name="procRoot"/> and <paramref name="etcRoot"/> let tests point elsewhere.</summary>
    public static HostReport Inspect(string procRoot = "/proc", string etcRoot = "/etc")
    {
        var checks = new List<CapabilityCheck>();
        if (!NftContext.IsLibraryAvailable())
        {
            checks.Add(new("libnftables", "libnftables", CheckStatus.Failed,
                $"{LibNftables.Library} cannot be loaded, so PortVeil cannot talk to nftables.",
                "Install it: apt install libnftables1 (Debian/Ubuntu).", Required: true));
            return new HostReport(checks);
        }

        checks.Add(new("libnftables", "libnftables", CheckStatus.Ok, $"{LibNftables.Library} loads.", Required: true));
        checks.AddRange(TryKernelFeatures());
        checks.Add(CheckNflog(procRoot));
        checks.Add(ReversePathCheck.Inspect(procRoot));
        var tables = ListHostTables(checks);
        checks.Add(CheckDocker(tables, procRoot, etcRoot));
        checks.AddRange(CheckOtherFirewalls(tables, procRoot, etcRoot));
        return new HostReport(checks);
    }

    private static List<CapabilityCheck> TryKernelFeatures()
    {
        List<CapabilityCheck> result = [];
        var thread = new Thread(() => result = TryKernelFeaturesInThrowawayNamespace()) { IsBackground = true, Name = "portveil doctor" };
        thread.Start();
        thread.Join();
        return result;
    }

    private static List<CapabilityCheck> TryKernelFeaturesInThrowawayNamespace()
    {
        // unshare(CLONE_NEWNET) moves only this thread; threads it starts (the nft context's) inherit it.
        var isolated = Netlink.Unshare(Netlink.CloneNewNet) == 0;
        var where = isolated ? "in a throwaway network namespace" : "as a dry run (no namespace could be created: not root?)";
        var checks = new List<CapabilityCheck>();
        NftContext nft;
        try
        {
            nft = new NftContext(dryRun: !isolated);
        }
        catch (NftException e)
        {
            checks.Add(new("nf_tables", "nf_tables in the kernel", CheckStatus.Failed, $"No nftables context: {e.Message}",
                "Use a kernel with nf_tables (CONFIG_NF_TABLES) and run PortVeil as root (CAP_NET_ADMIN).", Required: true));
            return checks;
        }

        using (nft)
        {
            checks.Add(Trial(nft, "nf_tables", "nf_tables in the kernel", TrialChain, where,
                "Load nf_tables (modprobe nf_tables) and run as root (CAP_NET_ADMIN)."));
            checks.Add(Trial(nft, "set_timeouts", "Sets with per-element timeouts (bans expire by themselves)",
                TrialTable + "add set inet pvdoctor t { type ipv4_addr; flags timeout; timeout 700ms; }\n"
                + "add element inet pvdoctor t { 192.0.2.1 timeout 2s }\n", where,
                "Use Linux 4.1 or newer with nft_set_hash."));
            checks.Add(Trial(nft, "tcp_options", "TCP option matching (raw-SYN fingerprint)",
                TrialChain + "add rule inet pvdoctor c tcp flags syn / fin,syn,rst,ack tcp option sack-perm missing tcp option window missing drop\n", where,
                "Use nftables 1.0 or newer and a kernel with nft_exthdr; or turn the raw-SYN fingerprint option off.", required: false));
            checks.Add(Trial(nft, "nflog_rule", "NFLOG rules (log group)",
                TrialChain + "add rule inet pvdoctor c log group 20566 prefix \"pv:doctor\"\n", where,
                "Load nfnetlink_log (modprobe nfnetlink_log)."));
            checks.Add(Trial(nft, "fib_spoof_checks", "Spoofed-source checks (fib lookups)",
                TrialChain + "add rule inet pvdoctor c fib saddr type local fib daddr type local drop\n"
                + "add rule inet pvdoctor c fib saddr . mark . iif oif missing drop\n", where,
                "Load nft_fib_inet (modprobe nft_fib_inet), or set kernel.reverse_path_filter = \"off\" and kernel.drop_local_spoofs = false."));
            checks.Add(Trial(nft, "reflex_meter", "Packet-path bans (dynamic sets with limits)",
                TrialChain + "add set inet pvdoctor r { type ipv4_addr; flags dynamic,timeout; timeout 60s; }\n"
                + "add set inet pvdoctor b { type ipv4_addr; flags dynamic,timeout; }\n"
                + "add rule inet pvdoctor c update @r { ip saddr limit rate over 20/minute } add @b { ip saddr timeout 1h }\n", where,
                "Use Linux 5.11 or newer, or turn the reflex meter off."));
        }

        if (isolated)
        {
            checks.Add(TryFullTable());
        }

        return checks;
    }

    private static CapabilityCheck Trial(NftContext nft, string id, string title, string commands, string where, string fix, bool required = true)
    {
        var r = nft.Run(commands, json: false);
        return r.Succeeded
            ? new(id, title, CheckStatus.Ok, $"Works (tried {where}).", Required: required)
            : new(id, title, required ? CheckStatus.Failed : CheckStatus.Warning, $"Refused (tried {where}): {r.Error.Trim()}", fix, required);
    }

    private static CapabilityCheck TryFullTable()
    {
        const string Title = "PortVeil's whole table, with a ban that reads back";
        try
        {
            using var enforcer = new NftEnforcer(new NftEnforcerOptions
            {
                Watchdog = false,
                Ruleset = new PortVeilRulesetOptions { RawSynFingerprint = true, LogReplies = true },
            });
            enforcer.EnsureTableAsync().GetAwaiter().GetResult();
            var key = SourceKey.ForAddress(NetAddress.Parse("192.0.2.1"));
            enforcer.BanAsync(key, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            var bans = enforcer.ListAsync().GetAwaiter().GetResult();
            var intact = enforcer.IsTableIntactAsync().GetAwaiter().GetResult();
            return intact && bans.Count == 1 && bans[0].Source == key
                ? new("portveil_table", Title, CheckStatus.Ok, "Created, banned and read back in a throwaway network namespace.", Required: true)
                : new("portveil_table", Title, CheckStatus.Failed, "The table was created but did not read back as built.", "Report this with `nft --version` and `uname -r`.", true);
        }
        catch (NftException e)
        {
            return new("portveil_table", Title, CheckStatus.Failed, e.Message, "Update nftables (1.0.6 or newer) and the kernel (5.11 or newer).", true);
        }
    }

    private static CapabilityCheck CheckNflog(string procRoot)
    {
        const string Title = "nfnetlink_log (the live sensor's packet feed)";
        var nfLog = Path.Combine(procRoot, "net", "netfilter", "nf_log");
        if (File.Exists(nfLog) && File.ReadAllText(nfLog).Contains("nfnetlink_log", StringComparison.Ordinal))
        {
            return new("nfnetlink_log", Title, CheckStatus.Ok, "Loaded (listed in /proc/net/netfilter/nf_log).", Required: true);
        }

        var release = File.Exists(Path.Combine(procRoot, "sys", "kernel", "osrelease"))
            ? File.ReadAllText(Path.Combine(procRoot, "sys", "kernel", "osrelease")).Trim()
            : "";
        var modules = Path.Combine("/lib/modules", release);
        if (release.Length > 0 && Directory.Exists(modules)
            && File.Exists(Path.Combine(modules, "modules.dep"))
            && File.ReadAllText(Path.Combine(modules, "modules.dep")).Contains("nfnetlink_log.ko", StringComparison.Ordinal))
        {
            return new("nfnetlink_log", Title, CheckStatus.Ok, "Not loaded yet; the module is installed and loads on first use.", Required: true);
        }

        return new("nfnetlink_log", Title, CheckStatus.Failed, "Neither loaded nor installed as a module.",
            "Load it (modprobe nfnetlink_log) or use a kernel with CONFIG_NETFILTER_NETLINK_LOG.", true);
    }

    /// <summary>The host's tables and chains as (family, table, chain) — chain empty for a table line. Read-only.</summary>
    private static List<(string Family, string Table, string Chain)> ListHostTables(List<CapabilityCheck> checks)
    {
        var list = new List<(string Family, string Table, string Chain)>();
        try
        {
            using var nft = new NftContext();
            var r = nft.Run("{\"nftables\":[{\"list\":{\"chains\":null}}]}"u8);
            var t = nft.Run("{\"nftables\":[{\"list\":{\"tables\":null}}]}"u8);
            if (!r.Succeeded || !t.Succeeded)
            {
                checks.Add(new("host_ruleset", "The host's current firewall", CheckStatus.Warning,
                    $"Could not list it: {(r.Error + t.Error).Trim()}", "Run `portveil doctor` as root."));
                return list;
            }

            foreach (var (json, kind) in new[] { (t.Output, "table"), (r.Output, "chain") })
            {
                using var doc = JsonDocument.Parse(json);
                foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
                {
                    if (item.TryGetProperty(kind, out var o))
                    {
                        var family = o.GetProperty("family").GetString() ?? "";
                        var table = kind == "table" ? o.GetProperty("name").GetString() ?? "" : o.GetProperty("table").GetString() ?? "";
                        var chain = kind == "chain" ? o.GetProperty("name").GetString() ?? "" : "";
                        list.Add((family, table, chain));
                    }
                }
            }

            var ours = list.Exists(x => x is { Family: "inet", Table: PortVeilRulesetDefaults.Table, Chain: "" });
            checks.Add(new("portveil_installed", "PortVeil's table on this host", CheckStatus.Info,
                ours ? "`table inet portveil` is present (PortVeil is or was running)." : "`table inet portveil` is not present (PortVeil is not running)."));
        }
        catch (Exception e) when (e is NftException or JsonException)
        {
            checks.Add(new("host_ruleset", "The host's current firewall", CheckStatus.Warning, $"Could not list it: {e.Message}", "Run `portveil doctor` as root."));
        }

        return list;
    }

    private static CapabilityCheck CheckDocker(List<(string Family, string Table, string Chain)> tables, string procRoot, string etcRoot)
    {
        const string Title = "Docker firewall backend";
        var configured = "";
        var daemonJson = Path.Combine(etcRoot, "docker", "daemon.json");
        if (File.Exists(daemonJson))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(daemonJson));
                if (doc.RootElement.TryGetProperty("firewall-backend", out var fb) && fb.ValueKind == JsonValueKind.String)
                {
                    configured = fb.GetString() ?? "";
                }
            }
            catch (JsonException e)
            {
                return new("docker", Title, CheckStatus.Warning, $"{daemonJson} is not valid JSON ({e.Message}).", "Fix the file; Docker will not start with it either.");
            }
        }

        var nftBackend = tables.Exists(x => x.Table == "docker-bridges");
        var iptablesNft = tables.Exists(x => x is { Family: "ip", Table: "nat", Chain: "DOCKER" });
        var legacy = ReadLines(Path.Combine(procRoot, "net", "ip_tables_names")).Contains("nat")
            && Directory.Exists("/var/run/docker") | File.Exists("/var/run/docker.sock");
        if (nftBackend || configured == "nftables")
        {
            return new("docker", Title, CheckStatus.Ok, "Docker uses its nftables backend; published ports are read from its dnat rules.");
        }

        if (iptablesNft)
        {
            return new("docker", Title, CheckStatus.Ok, "Docker uses iptables-nft; published ports are read from its DOCKER chain.");
        }

        if (legacy)
        {
            return new("docker", Title, CheckStatus.Warning,
                "Docker seems to use iptables-legacy: PortVeil still drops banned sources first, but cannot read published ports from legacy rules.",
                "Switch iptables to its nft flavour (update-alternatives --set iptables /usr/sbin/iptables-nft) and restart Docker, or list the ports in the config.");
        }

        return new("docker", Title, CheckStatus.Info, configured.Length > 0 ? $"daemon.json sets firewall-backend {configured}; no Docker rules are loaded." : "No Docker firewall rules found.");
    }

    private static IEnumerable<CapabilityCheck> CheckOtherFirewalls(List<(string Family, string Table, string Chain)> tables, string procRoot, string etcRoot)
    {
        var legacy4 = ReadLines(Path.Combine(procRoot, "net", "ip_tables_names"));
        var legacy6 = ReadLines(Path.Combine(procRoot, "net", "ip6_tables_names"));
        yield return legacy4.Count + legacy6.Count > 0
            ? new("iptables_legacy", "iptables-legacy rules", CheckStatus.Warning,
                $"Legacy tables are loaded ({string.Join(", ", legacy4.Concat(legacy6).Distinct())}). They run beside nftables; a legacy DROP can hide traffic from PortVeil's served/unserved view.",
                "Prefer iptables-nft; make sure legacy rules do not reject what PortVeil serves.")
            : new("iptables_legacy", "iptables-legacy rules", CheckStatus.Ok, "None loaded.");

        var firewalld = tables.Exists(x => x.Table == "firewalld");
        yield return new("firewalld", "firewalld", firewalld ? CheckStatus.Warning : CheckStatus.Ok,
            firewalld ? "firewalld's table is loaded. It coexists with PortVeil's own table, but `firewall-cmd --reload` flushes the whole ruleset; PortVeil's watchdog restores its table within a second." : "Not active.",
            firewalld ? "Nothing to do; avoid duplicating port policies in both." : null);

        var ufwConf = Path.Combine(etcRoot, "ufw", "ufw.conf");
        var ufw = (File.Exists(ufwConf) && File.ReadAllText(ufwConf).Contains("ENABLED=yes", StringComparison.Ordinal))
            || tables.Exists(x => x.Chain.StartsWith("ufw-", StringComparison.Ordinal));
        yield return new("ufw", "ufw", ufw ? CheckStatus.Warning : CheckStatus.Ok,
            ufw ? "ufw is enabled. PortVeil drops unserved ports before ufw sees them; ufw's own rules still apply to served ports." : "Not enabled.",
            ufw ? "Keep ufw rules for served ports only, or disable ufw." : null);

        var f2b = tables.Exists(x => x.Table.StartsWith("f2b", StringComparison.Ordinal) || x.Chain.StartsWith("f2b-", StringComparison.Ordinal))
            || File.Exists(Path.Combine(etcRoot, "fail2ban", "jail.conf"));
        yield return new("fail2ban", "fail2ban", f2b ? CheckStatus.Info : CheckStatus.Ok,
            f2b ? "fail2ban is installed. It works alongside; PortVeil writes one fail2ban-compatible line per ban, so a jail can read it." : "Not installed.");

        var crowdsec = tables.Exists(x => x.Table.StartsWith("crowdsec", StringComparison.Ordinal));
        yield return new("crowdsec", "CrowdSec firewall bouncer", crowdsec ? CheckStatus.Info : CheckStatus.Ok,
            crowdsec ? "CrowdSec's tables are loaded. Both ban independently; nothing conflicts." : "Not active.");
    }

    private static List<string> ReadLines(string path)
    {
        try
        {
            return File.Exists(path) ? [.. File.ReadAllLines(path).Where(l => l.Length > 0)] : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
