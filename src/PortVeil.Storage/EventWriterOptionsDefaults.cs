namespace PortVeil.Storage;

/// <summary>
/// Defaults sized for a long outage on a small server: 20 000 event aggregates (~2 MB, one minute of 20 000
/// busy sources) and 50 000 bans/incidents (~75 MB at worst with 1.5 KB of evidence each; hours of a heavy scan
/// day). One SQLite transaction of 1000 rows takes ~5–20 ms here (see docs/benchmarks.md), so 500 ms between
/// small batches costs nothing and keeps the disk idle.
/// </summary>
public static class EventWriterOptionsDefaults
{
    public const int EventQueueCapacity = 20_000;
    public const int PriorityQueueCapacity = 50_000;
    public const int BatchSize = 1000;
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Doubles per consecutive failure: 0.25, 0.5, 1, 2 … capped at 30 s (Serilog's scheduler caps at 10 min; a ban log should catch up sooner).</summary>
    public static readonly TimeSpan RetryInitialDelay = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);
}
