namespace PortVeil.Daemon.Api;

/// <summary>The daemon's counters at one moment, for GET /api/v1/stats (the same numbers /metrics exports).</summary>
public sealed record DaemonStatus
{
    public DateTimeOffset StartedAt { get; init; }

    public bool DryRun { get; init; }

    /// <summary>Packet events the engine processed.</summary>
    public long Events { get; init; }

    public long BansMade { get; init; }

    public long BanFailures { get; init; }

    public int ActiveBans { get; init; }

    /// <summary>Sources in the detection engine's table.</summary>
    public int TrackedSources { get; init; }

    /// <summary>NFLOG receive overruns (ENOBUFS): log messages the kernel dropped.</summary>
    public long KernelOverruns { get; init; }

    /// <summary>
    /// Ban-path threads (NFLOG reader, detection) under SCHED_FIFO now: 2 normally; fewer while one is saturated
    /// (demoted), when refused (RLIMIT_RTPRIO below the priority, no CAP_SYS_NICE), or with sensor.realtime_priority = 0.
    /// </summary>
    public int RealtimeThreads { get; init; }

    /// <summary>Times a ban-path thread was saturated and went back to normal scheduling.</summary>
    public long RealtimeDemotions { get; init; }

    public int StorageQueueDepth { get; init; }

    public bool StorageHealthy { get; init; } = true;

    public string? StorageLastError { get; init; }

    /// <summary>Deciding packet → kernel set element, median and 99th percentile of recent bans; null before the first.</summary>
    public double? BanLatencyP50Ms { get; init; }

    public double? BanLatencyP99Ms { get; init; }
}
