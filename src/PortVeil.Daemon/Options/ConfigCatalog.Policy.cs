using System.Net;
using PortVeil.Daemon.Options.Types;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Policy;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Policy()
    {
        const string S = "policy";
        var count = new IntegerType(1, 1_000_000);
        return new ConfigSection(S, "What a verdict becomes: who is never banned, for how long, and how many bans a flood can cause at most.",
        [
            ConfigKey.Create(S, "allow", new CidrListType(4096),
                "Networks never banned (like fail2ban's ignoreip). The gateway, resolvers, this host's addresses and the admin's SSH session are added automatically.",
                c => (IReadOnlyList<IPNetwork>)[.. c.Allowlist.Static.Select(IPNetwork.Parse)],
                (c, v) => Replace(c.Allowlist.Static, v.Select(n => n.ToString())),
                nameof(AllowlistOptions.Static)),
            ConfigKey.Create(S, "allow_gateway", BoolType.Instance,
                "Never ban the default gateways (read from the routing table).",
                c => c.Allowlist.DiscoverGateways, (c, v) => c.Allowlist.DiscoverGateways = v, nameof(AllowlistOptions.DiscoverGateways)),
            ConfigKey.Create(S, "allow_resolvers", BoolType.Instance,
                "Never ban the DNS resolvers in /etc/resolv.conf.",
                c => c.Allowlist.DiscoverResolvers, (c, v) => c.Allowlist.DiscoverResolvers = v, nameof(AllowlistOptions.DiscoverResolvers)),
            ConfigKey.Create(S, "allow_admin_ssh", BoolType.Instance,
                "Never ban the client of a live SSH session to this host (the admin).",
                c => c.Allowlist.DiscoverSshClients, (c, v) => c.Allowlist.DiscoverSshClients = v, nameof(AllowlistOptions.DiscoverSshClients)),
            ConfigKey.Create(S, "ssh_port", PortType.Instance,
                "The port sshd listens on, to recognise the admin's session.",
                c => c.Allowlist.SshPorts[0], (c, v) => Replace<ushort>(c.Allowlist.SshPorts, [(ushort)v]), nameof(AllowlistOptions.SshPorts)),
            ConfigKey.Create(S, "ban_time", new DurationType(TimeSpan.FromMinutes(1), TimeSpan.FromDays(365)),
                "How long a first ban lasts.",
                c => c.Policy.BaseBan, (c, v) => c.Policy.BaseBan = v, nameof(PolicyOptions.BaseBan)),
            ConfigKey.Create(S, "ban_factor", new FloatType(1, 10, inclusive: true),
                "Each repeat offence multiplies the ban by this (fail2ban's bantime.increment).",
                c => c.Policy.EscalationFactor, (c, v) => c.Policy.EscalationFactor = v, nameof(PolicyOptions.EscalationFactor)),
            ConfigKey.Create(S, "ban_max", new DurationType(TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650)),
                "The longest a ban can grow.",
                c => c.Policy.MaxBan, (c, v) => c.Policy.MaxBan = v, nameof(PolicyOptions.MaxBan)),
            ConfigKey.Create(S, "offence_memory", new DurationType(TimeSpan.FromHours(1), TimeSpan.FromDays(3650)),
                "Offences older than this no longer make a ban longer.",
                c => c.Policy.OffenceMemory, (c, v) => c.Policy.OffenceMemory = v, nameof(PolicyOptions.OffenceMemory)),
            ConfigKey.Create(S, "subnet_ban_members", new IntegerType(2, 256),
                "Banned members of one /24 (or addresses of one /64) that make a ban of the whole subnet.",
                c => c.Policy.SubnetBanMembers, (c, v) => c.Policy.SubnetBanMembers = (int)v, nameof(PolicyOptions.SubnetBanMembers)),
            ConfigKey.Create(S, "subnet_budget_per_hour", new IntegerType(1, 65_536),
                "At most this many individual bans per /24 (or /64) per hour.",
                c => c.Policy.SubnetBudgetPerHour, (c, v) => c.Policy.SubnetBudgetPerHour = (int)v, nameof(PolicyOptions.SubnetBudgetPerHour)),
            ConfigKey.Create(S, "campaign_members", new IntegerType(0, 16),
                "Members of one IPv4 /24 named by a distributed verdict that ban the whole /24 even when each sent one unverified probe (0 = off). Never for a /24 holding an allowlisted address.",
                c => c.Policy.CampaignMembers, (c, v) => c.Policy.CampaignMembers = (int)v, nameof(PolicyOptions.CampaignMembers)),
            ConfigKey.Create(S, "campaign_ban_time", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
                "The longest a campaign ban of a /24 lasts (it rests on probes anyone can forge).",
                c => c.Policy.CampaignBanTime, (c, v) => c.Policy.CampaignBanTime = v, nameof(PolicyOptions.CampaignBanTime)),
            ConfigKey.Create(S, "campaign_bans_per_hour", new IntegerType(1, 65_536),
                "At most this many campaign bans per hour overall (and at most 2 per /24).",
                c => c.Policy.CampaignBansPerHour, (c, v) => c.Policy.CampaignBansPerHour = (int)v, nameof(PolicyOptions.CampaignBansPerHour)),
            ConfigKey.Create(S, "bans_per_minute", count,
                "At most this many new bans per minute overall, so a spoofed flood cannot ban half the internet.",
                c => c.Policy.BansPerMinute, (c, v) => c.Policy.BansPerMinute = (int)v, nameof(PolicyOptions.BansPerMinute)),
            ConfigKey.Create(S, "max_active_bans", count,
                "At most this many bans at once.",
                c => c.Policy.MaxActiveBans, (c, v) => c.Policy.MaxActiveBans = (int)v, nameof(PolicyOptions.MaxActiveBans)),
            ConfigKey.Create(S, "suspect_time", new DurationType(TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)),
                "How long an unverified decoy-cohort member (nmap -D) is restricted: its raw probes dropped, its own TCP stack still let in. Never escalates.",
                c => c.Policy.SuspectTime, (c, v) => c.Policy.SuspectTime = v, nameof(PolicyOptions.SuspectTime)),
            ConfigKey.Create(S, "suspects_per_minute", count,
                "At most this many new restrictions (decoy-cohort suspects) per minute; a budget apart from bans_per_minute.",
                c => c.Policy.SuspectsPerMinute, (c, v) => c.Policy.SuspectsPerMinute = (int)v, nameof(PolicyOptions.SuspectsPerMinute)),
            ConfigKey.Create(S, "max_active_suspects", count,
                "At most this many restrictions at once; apart from max_active_bans.",
                c => c.Policy.MaxActiveSuspects, (c, v) => c.Policy.MaxActiveSuspects = (int)v, nameof(PolicyOptions.MaxActiveSuspects)),
        ], c => [.. c.Policy.Validate(), .. AllowlistDiscovery.Validate(c.Allowlist)]);
    }
}
