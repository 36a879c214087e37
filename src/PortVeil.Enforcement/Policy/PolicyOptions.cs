namespace PortVeil.Enforcement.Policy;

/// <summary>Every tunable of the ban policy; defaults and their reasons live in <see cref="PolicyOptionsDefaults"/>.</summary>
public sealed class PolicyOptions
{
    /// <summary>Length of a first ban.</summary>
    public TimeSpan BaseBan { get; set; } = TimeSpan.FromHours(PolicyOptionsDefaults.BaseBanHours);

    /// <summary>Multiplier per earlier offence: the n-th ban lasts BaseBan × factor^(n−1).</summary>
    public double EscalationFactor { get; set; } = PolicyOptionsDefaults.EscalationFactor;

    /// <summary>No ban lasts longer than this.</summary>
    public TimeSpan MaxBan { get; set; } = TimeSpan.FromDays(PolicyOptionsDefaults.MaxBanDays);

    /// <summary>Up to this many random seconds are added to each ban (0 = none).</summary>
    public int JitterSeconds { get; set; } = PolicyOptionsDefaults.JitterSeconds;

    /// <summary>Only offences this recent count towards escalation.</summary>
    public TimeSpan OffenceMemory { get; set; } = TimeSpan.FromDays(PolicyOptionsDefaults.OffenceMemoryDays);

    /// <summary>An unverified source needs at least this many probes before it can be banned.</summary>
    public int MinUnverifiedProbes { get; set; } = PolicyOptionsDefaults.MinUnverifiedProbes;

    /// <summary>Banned members of a /24 (IPv4) or addresses of a /64 (IPv6) within <see cref="SubnetWindow"/> that make a subnet ban; 0 disables subnet bans.</summary>
    public int SubnetBanMembers { get; set; } = PolicyOptionsDefaults.SubnetBanMembers;

    public TimeSpan SubnetWindow { get; set; } = TimeSpan.FromHours(PolicyOptionsDefaults.SubnetWindowHours);

    /// <summary>Individual bans per /24 or /64 per hour.</summary>
    public int SubnetBudgetPerHour { get; set; } = PolicyOptionsDefaults.SubnetBudgetPerHour;

    /// <summary>
    /// Members of one IPv4 /24 named by a distributed verdict that make a campaign ban of the /24, even when each
    /// member sent a single unverified probe; 0 disables campaign bans. At most 16 (a group keeps 16 members).
    /// </summary>
    public int CampaignMembers { get; set; } = PolicyOptionsDefaults.CampaignMembers;

    /// <summary>The longest a campaign ban lasts (escalation is capped here): it rests on unverified probes.</summary>
    public TimeSpan CampaignBanTime { get; set; } = TimeSpan.FromMinutes(PolicyOptionsDefaults.CampaignBanMinutes);

    /// <summary>New campaign bans per hour, overall; they also count towards <see cref="BansPerMinute"/>.</summary>
    public int CampaignBansPerHour { get; set; } = PolicyOptionsDefaults.CampaignBansPerHour;

    /// <summary>New bans (individual and subnet) per minute, overall.</summary>
    public int BansPerMinute { get; set; } = PolicyOptionsDefaults.BansPerMinute;

    /// <summary>Active bans at most; beyond it new bans wait until old ones expire.</summary>
    public int MaxActiveBans { get; set; } = PolicyOptionsDefaults.MaxActiveBans;

    /// <summary>How long an unverified decoy-cohort member stays restricted (raw-scanner traffic from it dropped). Never escalates.</summary>
    public TimeSpan SuspectTime { get; set; } = TimeSpan.FromHours(PolicyOptionsDefaults.SuspectTimeHours);

    /// <summary>New restrictions per minute, overall; apart from <see cref="BansPerMinute"/>.</summary>
    public int SuspectsPerMinute { get; set; } = PolicyOptionsDefaults.SuspectsPerMinute;

    /// <summary>Restrictions in force at once; apart from <see cref="MaxActiveBans"/>.</summary>
    public int MaxActiveSuspects { get; set; } = PolicyOptionsDefaults.MaxActiveSuspects;

    /// <summary>Decide but do not enforce: decisions come back marked <see cref="BanDecision.DryRun"/>.</summary>
    public bool DryRun { get; set; } = PolicyOptionsDefaults.DryRun;

    /// <summary>Every problem with these options, each naming its key; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BaseBan <= TimeSpan.Zero)
        {
            problems.Add("policy.ban_time: must be positive");
        }

        if (!(EscalationFactor >= 1) || double.IsInfinity(EscalationFactor))
        {
            problems.Add("policy.ban_factor: must be a number ≥ 1");
        }

        if (MaxBan < BaseBan)
        {
            problems.Add("policy.ban_max: must be at least policy.ban_time");
        }

        if (JitterSeconds < 0)
        {
            problems.Add("policy.jitter_seconds: must be 0 or more");
        }

        if (OffenceMemory < TimeSpan.Zero)
        {
            problems.Add("policy.offence_memory: must be 0 or more");
        }

        if (MinUnverifiedProbes < 2)
        {
            problems.Add("policy.min_unverified_probes: must be at least 2 (a single unverified SYN is never enough)");
        }

        if (SubnetBanMembers is < 0 or 1)
        {
            problems.Add("policy.subnet_ban_members: 0 (off) or at least 2");
        }

        if (SubnetWindow <= TimeSpan.Zero)
        {
            problems.Add("policy.subnet_window: must be positive");
        }

        if (SubnetBudgetPerHour is < 1 or > 65_536)
        {
            problems.Add("policy.subnet_budget_per_hour: must be between 1 and 65536");
        }

        if (CampaignMembers is < 0 or 1 or > 16)
        {
            problems.Add("policy.campaign_members: 0 (off) or between 2 and 16");
        }

        if (CampaignBanTime < TimeSpan.FromSeconds(1))
        {
            problems.Add("policy.campaign_ban_time: must be at least 1 s");
        }

        if (CampaignBansPerHour is < 1 or > 65_536)
        {
            problems.Add("policy.campaign_bans_per_hour: must be between 1 and 65536");
        }

        if (BansPerMinute is < 1 or > 1_000_000)
        {
            problems.Add("policy.bans_per_minute: must be between 1 and 1000000");
        }

        if (MaxActiveBans < 1)
        {
            problems.Add("policy.max_active_bans: must be at least 1");
        }

        if (SuspectTime < TimeSpan.FromSeconds(1))
        {
            problems.Add("policy.suspect_time: must be at least 1 s");
        }

        if (SuspectsPerMinute is < 1 or > 1_000_000)
        {
            problems.Add("policy.suspects_per_minute: must be between 1 and 1000000");
        }

        if (MaxActiveSuspects < 1)
        {
            problems.Add("policy.max_active_suspects: must be at least 1");
        }

        return problems;
    }
}
