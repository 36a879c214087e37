namespace PortVeil.Enforcement.Policy;

/// <summary>Every default of <see cref="PolicyOptions"/>, each with the reason for its value.</summary>
public static class PolicyOptionsDefaults
{
    /// <summary>
    /// A first ban lasts 1 h: long enough that a scanner moves on (masscan and botnets rarely come back within the
    /// hour), short enough that a misjudged guest is back the same evening. fail2ban's 10 min lets nmap resume.
    /// </summary>
    public const double BaseBanHours = 1;

    /// <summary>Each repeat offence doubles the ban (1 h, 2 h, 4 h, …), like fail2ban's bantime.increment with factor 2.</summary>
    public const double EscalationFactor = 2;

    /// <summary>30 days caps escalation (reached at the 11th offence): dynamic addresses get reassigned, and a month-long ban of a reused address is harm enough.</summary>
    public const double MaxBanDays = 30;

    /// <summary>
    /// No jitter by default. A few hundred seconds hide the exact expiry from a scanner that times its return
    /// (fail2ban's bantime.rndtime); the cost is a less predictable `bans list`.
    /// </summary>
    public const int JitterSeconds = 0;

    /// <summary>Offences older than 30 days no longer escalate: a source that kept quiet for a month starts again at 1 h.</summary>
    public const double OffenceMemoryDays = 30;

    /// <summary>
    /// A verdict on fewer than 2 probes from an unverified source is never acted on: one SYN is trivially spoofed,
    /// and a spoofed SYN "from" a guest must not ban the guest.
    /// </summary>
    public const int MinUnverifiedProbes = 2;

    /// <summary>4 banned members of one /24 (or 4 addresses of one /64) make a subnet ban: one scanning network, one kernel entry, and the 5th host is blocked before it starts.</summary>
    public const int SubnetBanMembers = 4;

    /// <summary>Members count towards a subnet ban for 1 h: a campaign from one network shows up within minutes.</summary>
    public const double SubnetWindowHours = 1;

    /// <summary>
    /// At most 16 individual bans per /24 (or /64) per hour. When a subnet holds an allowlisted address (so it is
    /// never banned whole), a spoofed flood can still only ban 16 of its neighbours an hour.
    /// </summary>
    public const int SubnetBudgetPerHour = 16;

    /// <summary>
    /// 8 members of one /24 named by a distributed verdict make a campaign ban of the /24, even if each sent one
    /// unverified SYN: twice the distributed detector's 5 sources with ten or more closed ports between them, so a
    /// handful of guests behind one NAT with a typo each never reach it (docs/policy.md, "Campaigns").
    /// </summary>
    public const int CampaignMembers = 8;

    /// <summary>
    /// A campaign ban lasts at most 10 min (no escalation beyond): it rests on probes anyone can forge, so the harm a
    /// spoofer can do with it is capped in time; a real campaign is over, or proves itself with verified probes.
    /// </summary>
    public const double CampaignBanMinutes = 10;

    /// <summary>At most 4 campaign bans per hour overall: a spoofer forging whole /24s darkens at most 4 × 256 addresses an hour.</summary>
    public const int CampaignBansPerHour = 4;

    /// <summary>
    /// At most 600 new bans per minute (10/s) overall: far above any real attack on a small server (a /16 sweep of
    /// distinct real scanners is rare), low enough that a spoofed flood cannot fill the kernel set before someone looks.
    /// </summary>
    public const int BansPerMinute = 600;

    /// <summary>At most 100,000 active bans: a few MB of kernel set memory, and nftables hash-set lookups stay O(1).</summary>
    public const int MaxActiveBans = 100_000;

    /// <summary>
    /// Decoy-cohort suspects are restricted for 1 h, like a first ban: the scan is over long before, and a real host
    /// at a decoy address is not hurt meanwhile (its own stack still connects). Restrictions never escalate.
    /// </summary>
    public const double SuspectTimeHours = 1;

    /// <summary>
    /// 600 new restrictions per minute, a budget of their own: nmap -D takes at most a few dozen decoys, and a flood
    /// of forged cohorts cannot use up the budget real bans need (nor the other way round).
    /// </summary>
    public const int SuspectsPerMinute = 600;

    /// <summary>At most 100,000 restrictions at once, like bans: a few MB of kernel set memory.</summary>
    public const int MaxActiveSuspects = 100_000;

    /// <summary>Off: decisions are enforced. Turn on to watch what PortVeil would ban before trusting it.</summary>
    public const bool DryRun = false;
}
