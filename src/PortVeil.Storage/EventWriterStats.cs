namespace PortVeil.Storage;

/// <summary>A snapshot of <see cref="EventWriter"/>'s counters, for /metrics and `portveil doctor`.</summary>
public readonly record struct EventWriterStats
{
    /// <summary>Records (bans, ban ends, incidents, event aggregates) committed to storage.</summary>
    public long Written { get; init; }

    /// <summary>Failed write attempts that were retried later.</summary>
    public long Retries { get; init; }

    /// <summary>Event aggregates dropped, oldest first, because the event buffer was full.</summary>
    public long EventsDropped { get; init; }

    /// <summary>Bans, ban ends or incidents refused because their buffer was full.</summary>
    public long PriorityRefused { get; init; }

    /// <summary>Records the database refused as invalid (a bug); set aside so the rest get through.</summary>
    public long Rejected { get; init; }

    /// <summary>Records still buffered when disposal gave up.</summary>
    public long LostOnShutdown { get; init; }

    public int EventQueueDepth { get; init; }

    public int PriorityQueueDepth { get; init; }

    /// <summary>Records taken from the queues and not yet committed (the batch being written or retried).</summary>
    public int InFlight { get; init; }

    public int ConsecutiveFailures { get; init; }

    /// <summary>The last error's message (names the database file and what to do), or null.</summary>
    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>True while the last write attempt succeeded (or none has failed yet).</summary>
    public bool Healthy => ConsecutiveFailures == 0;
}
