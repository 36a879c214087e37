using System.Threading.Channels;

namespace PortVeil.Storage;

/// <summary>
/// Takes storage writes from the pipeline without ever waiting for storage: producers call the <c>TryWrite…</c>
/// methods, which only enqueue; one background loop drains both queues in batches into an
/// <see cref="IStorageBatchWriter"/> (Serilog's BatchingSink). Failed batches are kept and retried with
/// backoff; while storage is down, the buffers stay bounded.
/// </summary>
/// <remarks>
/// Two queues, because their records are worth different things. Event aggregates are many and replaceable:
/// when their queue is full the oldest are dropped and counted. Bans, ban ends and incidents are few, small and
/// are the audit trail: they have their own, larger queue, nothing in it is ever dropped, and when it is full a
/// new record is refused (the <c>TryWrite…</c> call returns false, the refusal is counted and becomes
/// <see cref="EventWriterStats.LastError"/>) so the caller can log it. A record the database rejects as invalid
/// (a bug, not an outage) is set aside alone so it cannot block the others.
/// </remarks>
public sealed class EventWriter : IAsyncDisposable
{
    private readonly IStorageBatchWriter _target;
    private readonly EventWriterOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<EventAggregate> _events;
    private readonly Channel<object> _priority;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private readonly RetryBackoff _backoff;
    private readonly StorageBatch _batch = new();
    private readonly Task _loop;

    private long _accepted;
    private long _written;
    private long _retries;
    private long _eventsDropped;
    private long _priorityRefused;
    private long _rejected;
    private long _lostOnShutdown;
    private int _inFlight;
    private int _wakePending;
    private int _consecutiveFailures;
    private volatile string? _lastError;
    private long _lastErrorAtTicks;
    private int _disposed;

    public EventWriter(IStorageBatchWriter target, EventWriterOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _options = options ?? new EventWriterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.EventQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PriorityQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
        _time = timeProvider ?? TimeProvider.System;
        _backoff = new RetryBackoff(_options.RetryInitialDelay, _options.RetryMaxDelay);
        _events = Channel.CreateBounded<EventAggregate>(
            new BoundedChannelOptions(_options.EventQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                AllowSynchronousContinuations = false,
            },
            OnEventDropped);
        _priority = Channel.CreateBounded<object>(
            new BoundedChannelOptions(_options.PriorityQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
                AllowSynchronousContinuations = false,
            });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a ban record. False when the ban/incident buffer is full or the writer is disposed.</summary>
    public bool TryWriteBan(BanRecord ban)
    {
        ArgumentNullException.ThrowIfNull(ban);
        return TryWritePriority(ban);
    }

    /// <summary>Queues the end of a ban (unban, expiry). False when the buffer is full or the writer is disposed.</summary>
    public bool TryWriteBanEnd(BanEnd banEnd)
    {
        ArgumentNullException.ThrowIfNull(banEnd);
        return TryWritePriority(banEnd);
    }

    /// <summary>Queues an incident. False when the buffer is full or the writer is disposed.</summary>
    public bool TryWriteIncident(IncidentRecord incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return TryWritePriority(incident);
    }

    /// <summary>Queues an event aggregate; when the buffer is full the oldest one is dropped. False only after disposal.</summary>
    public bool TryWriteEvent(in EventAggregate aggregate)
    {
        // Count first: a drop triggered by this very write completes an older record, never this one.
        Interlocked.Increment(ref _accepted);
        if (_events.Writer.TryWrite(aggregate))
        {
            return true;
        }

        Interlocked.Decrement(ref _accepted);
        return false;
    }

    public EventWriterStats Stats => new()
    {
        Written = Interlocked.Read(ref _written),
        Retries = Interlocked.Read(ref _retries),
        EventsDropped = Interlocked.Read(ref _eventsDropped),
        PriorityRefused = Interlocked.Read(ref _priorityRefused),
        Rejected = Interlocked.Read(ref _rejected),
        LostOnShutdown = Interlocked.Read(ref _lostOnShutdown),
        EventQueueDepth = _events.Reader.Count,
        PriorityQueueDepth = _priority.Reader.Count,
        InFlight = Volatile.Read(ref _inFlight),
        ConsecutiveFailures = Volatile.Read(ref _consecutiveFailures),
        LastError = _lastError,
        LastErrorAt = Interlocked.Read(ref _lastErrorAtTicks) is var t and not 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null,
    };

    /// <summary>
    /// Completes when every record accepted before the call has been written, dropped or set aside. While storage
    /// is down this waits (bounded by <paramref name="cancellationToken"/>); producers are never affected. Returns at
    /// once after disposal (what was left is in <see cref="EventWriterStats.LostOnShutdown"/>).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _accepted);
        Wake();
        while (Completed < target && !_loop.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops accepting, writes what is buffered within <see cref="EventWriterOptions.ShutdownTimeout"/>, and counts the rest as lost.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _events.Writer.TryComplete();
        _priority.Writer.TryComplete();
        Wake();
        var timeout = Task.Delay(_options.ShutdownTimeout, _time);
        if (await Task.WhenAny(_loop, timeout).ConfigureAwait(false) != _loop)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown gave up on a failing store; what is left is counted below.
        }

        var lost = _batch.Count + _events.Reader.Count + _priority.Reader.Count;
        Interlocked.Add(ref _lostOnShutdown, lost);

        // _wake is left undisposed on purpose: a producer whose write won the race with TryComplete may still call
        // Wake() after this point, and a SemaphoreSlim without a wait handle holds nothing to release.
        _stop.Dispose();
    }

    private long Completed =>
        Interlocked.Read(ref _written) + Interlocked.Read(ref _eventsDropped) + Interlocked.Read(ref _rejected);

    private bool TryWritePriority(object record)
    {
        Interlocked.Increment(ref _accepted);
        if (_priority.Writer.TryWrite(record))
        {
            Wake();
            return true;
        }

        Interlocked.Decrement(ref _accepted);
        if (Volatile.Read(ref _disposed) == 0)
        {
            Interlocked.Increment(ref _priorityRefused);
            SetError($"The ban and incident buffer is full ({_options.PriorityQueueCapacity} records) because storage has been failing; " +
                     $"new records are refused until it recovers. Last storage error: {_lastError ?? "none"}");
        }

        return false;
    }

    private void OnEventDropped(EventAggregate dropped) => Interlocked.Increment(ref _eventsDropped);

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            _wake.Release();
        }
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (true)
        {
            Fill();
            if (_batch.Count == 0)
            {
                if (_priority.Reader.Completion.IsCompleted && _events.Reader.Completion.IsCompleted)
                {
                    return;
                }

                await WaitAsync(_options.FlushInterval, ct).ConfigureAwait(false);
                continue;
            }

            var full = _batch.Count >= _options.BatchSize;
            if (await TryWriteBatchAsync(ct).ConfigureAwait(false))
            {
                if (!full && _priority.Reader.Count == 0 && _events.Reader.Count < _options.BatchSize
                    && !_events.Reader.Completion.IsCompleted && Volatile.Read(ref _disposed) == 0)
                {
                    await WaitAsync(_options.FlushInterval, ct).ConfigureAwait(false);
                }

                continue;
            }

            await Task.Delay(_backoff.NextDelay, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        await _wake.WaitAsync(timeout, ct).ConfigureAwait(false);
        Volatile.Write(ref _wakePending, 0);
    }

    // Tops the batch up to BatchSize: bans and incidents first, then events. A batch kept after a failure is
    // topped up too, so recovery drains the backlog in full batches.
    private void Fill()
    {
        while (_batch.Count < _options.BatchSize && _priority.Reader.TryRead(out var record))
        {
            switch (record)
            {
                case BanRecord ban:
                    _batch.Bans.Add(ban);
                    break;
                case BanEnd end:
                    _batch.BanEnds.Add(end);
                    break;
                case IncidentRecord incident:
                    _batch.Incidents.Add(incident);
                    break;
            }
        }

        while (_batch.Count < _options.BatchSize && _events.Reader.TryRead(out var aggregate))
        {
            _batch.Events.Add(aggregate);
        }

        Volatile.Write(ref _inFlight, _batch.Count);
    }

    private async Task<bool> TryWriteBatchAsync(CancellationToken ct)
    {
        try
        {
            await _target.WriteBatchAsync(_batch, ct).ConfigureAwait(false);
            Interlocked.Add(ref _written, _batch.Count);
            _batch.Clear();
            Volatile.Write(ref _inFlight, 0);
            MarkSuccess();
            return true;
        }
        catch (StorageException ex) when (ex.IsTransient)
        {
            MarkFailure(ex);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not an outage: some record in the batch is bad. Write them one at a time and set the bad ones aside.
            SetError(ex.Message);
            return await WriteOneByOneAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> WriteOneByOneAsync(CancellationToken ct)
    {
        var pending = new StorageBatch();
        pending.Bans.AddRange(_batch.Bans);
        pending.BanEnds.AddRange(_batch.BanEnds);
        pending.Incidents.AddRange(_batch.Incidents);
        pending.Events.AddRange(_batch.Events);
        _batch.Clear();
        var single = new StorageBatch();
        var ok = await WriteEachAsync(pending.Bans, _batch.Bans, single, static (b, x) => b.Bans.Add(x), true, ct).ConfigureAwait(false);
        ok = await WriteEachAsync(pending.BanEnds, _batch.BanEnds, single, static (b, x) => b.BanEnds.Add(x), ok, ct).ConfigureAwait(false);
        ok = await WriteEachAsync(pending.Incidents, _batch.Incidents, single, static (b, x) => b.Incidents.Add(x), ok, ct).ConfigureAwait(false);
        ok = await WriteEachAsync(pending.Events, _batch.Events, single, static (b, x) => b.Events.Add(x), ok, ct).ConfigureAwait(false);
        Volatile.Write(ref _inFlight, _batch.Count);
        return ok;
    }

    // Writes records one per transaction. A refused record is counted and set aside; the first outage stops the
    // pass and that record and all after it go back into the batch for the retry.
    private async Task<bool> WriteEachAsync<T>(List<T> records, List<T> keep, StorageBatch single, Action<StorageBatch, T> add, bool ok, CancellationToken ct)
    {
        foreach (var record in records)
        {
            if (!ok)
            {
                keep.Add(record);
                continue;
            }

            single.Clear();
            add(single, record);
            try
            {
                await _target.WriteBatchAsync(single, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _written);
            }
            catch (StorageException ex) when (ex.IsTransient)
            {
                keep.Add(record);
                MarkFailure(ex);
                ok = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref _rejected);
                SetError($"A record was set aside because storage refused it: {ex.Message}");
            }
        }

        return ok;
    }

    private void MarkSuccess()
    {
        _backoff.MarkSuccess();
        Volatile.Write(ref _consecutiveFailures, 0);
    }

    private void MarkFailure(Exception ex)
    {
        _backoff.MarkFailure();
        Volatile.Write(ref _consecutiveFailures, _backoff.ConsecutiveFailures);
        Interlocked.Increment(ref _retries);
        SetError(ex.Message);
    }

    private void SetError(string message)
    {
        _lastError = message;
        Interlocked.Exchange(ref _lastErrorAtTicks, _time.GetUtcNow().UtcTicks);
    }
}
