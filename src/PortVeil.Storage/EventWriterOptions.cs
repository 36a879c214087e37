using System.ComponentModel.DataAnnotations;

namespace PortVeil.Storage;

/// <summary>Buffer sizes, batch size and retry timing of <see cref="EventWriter"/>.</summary>
public sealed class EventWriterOptions
{
    /// <summary>Event aggregates buffered; when full the oldest are dropped (and counted).</summary>
    [Range(1, 10_000_000)]
    public int EventQueueCapacity { get; set; } = EventWriterOptionsDefaults.EventQueueCapacity;

    /// <summary>Bans, ban ends and incidents buffered; when full new ones are refused (and counted), never old ones dropped.</summary>
    [Range(1, 10_000_000)]
    public int PriorityQueueCapacity { get; set; } = EventWriterOptionsDefaults.PriorityQueueCapacity;

    /// <summary>Records per transaction.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = EventWriterOptionsDefaults.BatchSize;

    /// <summary>Pause after a batch smaller than <see cref="BatchSize"/>, to gather the next; bans and incidents cut it short.</summary>
    public TimeSpan FlushInterval { get; set; } = EventWriterOptionsDefaults.FlushInterval;

    public TimeSpan RetryInitialDelay { get; set; } = EventWriterOptionsDefaults.RetryInitialDelay;

    public TimeSpan RetryMaxDelay { get; set; } = EventWriterOptionsDefaults.RetryMaxDelay;

    /// <summary>How long disposal keeps trying to write what is buffered before giving up (and counting it lost).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = EventWriterOptionsDefaults.ShutdownTimeout;
}
