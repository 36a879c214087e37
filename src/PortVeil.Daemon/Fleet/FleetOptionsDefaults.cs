namespace PortVeil.Daemon.Fleet;

public static class FleetOptionsDefaults
{
    /// <summary>
    /// fleet.host_name: 1 to 48 letters, digits, '.', '_', '-'. 48 = 63 - 15: the fleet listener's PostgreSQL
    /// session is named "portveil fleet " (15 bytes) + the host name, and PostgreSQL keeps only the first 63 bytes of
    /// an application_name (NAMEDATALEN - 1). The start-up check for a second host under the same name
    /// (<see cref="FleetHostNameCheck"/>) compares those stored names, so a longer name would be compared by its
    /// first 48 characters only. No spaces or punctuation: the name goes into log lines, NOTIFY payloads and webhooks verbatim.
    /// </summary>
    public const string HostNamePattern = "^[A-Za-z0-9._-]{1,48}$";

    public const string HostNameProblem = "HostName must be 1 to 48 letters, digits, '.', '_' or '-' (such as \"edge-1\"); \"\" uses the machine's host name";

    /// <summary>1: one host's verdict is enough, as on a single host. Raise it when a member's judgement alone should not block everywhere.</summary>
    public const int Consensus = 1;

    /// <summary>1 hour: a scan that sweeps a fleet reaches every host within minutes; reports older than this are another campaign.</summary>
    public static readonly TimeSpan ConsensusWindow = TimeSpan.FromHours(1);

    /// <summary>5 s: NOTIFY is the fast path (milliseconds); this only bounds how long a dropped signal can go unnoticed.</summary>
    public static readonly TimeSpan CatchUpInterval = TimeSpan.FromSeconds(5);

    /// <summary>3 hosts: two hosts can share an unlucky client (a stale DNS record, a monitoring probe); three hosts that all refused the same source are a campaign.</summary>
    public const int CorrelationHosts = 3;

    /// <summary>10 failed probes across the fleet: e.g. 3 or 4 unserved ports on each of three hosts, each below a host's own thresholds (TRW decides at 5 failures).</summary>
    public const int CorrelationFailures = 10;

    /// <summary>
    /// 8 sources of one /24 or /64: the same count as policy.campaign_members, so a prefix the fleet correlates is a
    /// campaign by the local measure too; a handful of guests behind one NAT pool with a typo each stays below it.
    /// </summary>
    public const int CorrelationPrefixSources = 8;

    /// <summary>3 hosts: as for a single source, two hosts can share an unlucky client population; three are a sweep.</summary>
    public const int CorrelationPrefixHosts = 3;

    /// <summary>
    /// 6 distinct unserved ports: a scan splitting its port list over sources and hosts probes many; clients of one
    /// network with one wrong port (a stale DNS record, a closed service) probe one or two.
    /// </summary>
    public const int CorrelationPrefixPorts = 6;

    /// <summary>10 minutes: a distributed sweep of a fleet takes seconds to minutes; the aggregates are minute rows, so the window is rounded down to a minute start.</summary>
    public static readonly TimeSpan CorrelationWindow = TimeSpan.FromMinutes(10);

    /// <summary>5 s: the aggregates reach the database when their minute ends or the writer flushes, so checking more often finds nothing new.</summary>
    public static readonly TimeSpan CorrelationInterval = TimeSpan.FromSeconds(5);
}
