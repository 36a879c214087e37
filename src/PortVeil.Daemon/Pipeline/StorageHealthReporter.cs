using Microsoft.Extensions.Logging;
using PortVeil.Storage;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Turns the writer's counters into log lines a person acts on: one error when storage starts failing (the
/// writer's message names the file and what to do), a reminder with the drop counts every minute while it keeps
/// failing, and one line when it recovers. The writer itself never logs: it runs for tests and benchmarks too.
/// </summary>
internal sealed class StorageHealthReporter
{
    /// <summary>Checked every second: a storage fault is reported within a second of the first failed write.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    /// <summary>A fault that lasts is repeated once a minute, not once a retry (the backoff retries up to every 0.25 s).</summary>
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(1);

    private readonly EventWriter _writer;
    private readonly EventWriterOptions _options;
    private readonly string _database;
    private readonly ILogger _logger;
    private bool _failing;
    private DateTimeOffset _lastReport;
    private long _droppedAtStart;
    private long _refusedAtStart;

    public StorageHealthReporter(EventWriter writer, EventWriterOptions options, string database, ILogger logger)
    {
        _writer = writer;
        _options = options;
        _database = Path.GetFullPath(database);
        _logger = logger;
    }

    /// <summary>True between a reported failure and its recovery.</summary>
    public bool Failing => _failing;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CheckEvery);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            Check(DateTimeOffset.UtcNow);
        }
    }

    /// <summary>One look at the writer's counters; logs on a change of health, or every <see cref="RepeatEvery"/> while failing.</summary>
    public void Check(DateTimeOffset now)
    {
        var stats = _writer.Stats;
        var buffered = stats.PriorityQueueDepth + stats.EventQueueDepth + stats.InFlight;
        if (!stats.Healthy)
        {
            var error = stats.LastError ?? "unknown error";
            if (!_failing)
            {
                _failing = true;
                _lastReport = now;
                _droppedAtStart = stats.EventsDropped;
                _refusedAtStart = stats.PriorityRefused;
                LogMessages.StorageFailing(_logger, error, buffered, _options.PriorityQueueCapacity, _options.EventQueueCapacity);
            }
            else if (now - _lastReport >= RepeatEvery)
            {
                _lastReport = now;
                LogMessages.StorageStillFailing(_logger, _database, error, buffered, stats.EventsDropped - _droppedAtStart, stats.PriorityRefused - _refusedAtStart);
            }

            return;
        }

        // Healthy again once a write succeeded and the backlog is gone (the writer drains it in full batches).
        if (_failing && stats.PriorityQueueDepth == 0 && stats.InFlight == 0)
        {
            _failing = false;
            LogMessages.StorageRecovered(_logger, _database, stats.EventsDropped - _droppedAtStart, stats.PriorityRefused - _refusedAtStart);
        }
    }
}
