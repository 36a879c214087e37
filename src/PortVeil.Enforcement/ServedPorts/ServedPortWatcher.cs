using PortVeil.Enforcement.Nftables;

namespace PortVeil.Enforcement.ServedPorts;

/// <summary>
/// Keeps the served set current: every <see cref="ServedPortWatcherOptions.PollInterval"/> it reads listening
/// sockets (sock_diag netlink, /proc/thread-self/net as a fallback) and DNAT-published ports (a JSON listing of the ruleset), diffs them with the
/// last snapshot and pushes the change into `@served` in one transaction. All reads happen on the watcher's own
/// thread, which lives in the namespace being watched.
/// </summary>
public sealed class ServedPortWatcher : IDisposable
{
    private readonly ServedPortWatcherOptions _options;
    private readonly NftEnforcer? _enforcer;
    private readonly NftContext _nft;
    private readonly bool _ownsContext;
    private readonly Thread _thread;
    private readonly AutoResetEvent _poke = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource<ServedPortsChange>> _waiters = [];
    private SortedSet<ServedPort> _current = [];
    private SockDiagListeners? _sockDiag;
    private long _errors;

    /// <summary>
    /// Creates the watcher's thread at once (in the constructing thread's namespace, or the configured one).
    /// With an <paramref name="enforcer"/>, changes are pushed into its `@served` set and DNAT rules are read
    /// through its context; without, only <see cref="Changed"/> is raised.
    /// </summary>
    public ServedPortWatcher(ServedPortWatcherOptions? options = null, NftEnforcer? enforcer = null)
    {
        _options = options ?? new ServedPortWatcherOptions();
        _enforcer = enforcer;
        _ownsContext = enforcer is null && _options.IncludeDnat;
        _nft = enforcer?.Context ?? (_ownsContext ? new NftContext(networkNamespacePath: _options.NetworkNamespacePath) : null!);
        _thread = new Thread(Loop) { IsBackground = true, Name = "portveil served ports" };
        _thread.Start();
    }

    /// <summary>Raised on the watcher's thread after each change has been pushed to the kernel.</summary>
    public event Action<ServedPortsChange>? Changed;

    /// <summary>The served ports as of the last poll, sorted.</summary>
    public IReadOnlyList<ServedPort> Snapshot
    {
        get
        {
            lock (_gate)
            {
                return [.. _current];
            }
        }
    }

    /// <summary>Where listening sockets come from: "sock_diag", or "/proc" when sock_diag is unavailable.</summary>
    public string ListenerSource => _sockDiag is null ? "/proc" : "sock_diag";

    /// <summary>Polls that failed (an unreadable file, nft refusing a command); each is retried at the next poll.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Polls now, without waiting for the interval; completes with that poll's change (possibly empty).</summary>
    public Task<ServedPortsChange> RefreshAsync()
    {
        var tcs = new TaskCompletionSource<ServedPortsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add(tcs);
        }

        _poke.Set();
        return tcs.Task;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _poke.Set();
        _thread.Join(TimeSpan.FromSeconds(5));
        if (_ownsContext)
        {
            _nft.Dispose();
        }

        _poke.Dispose();
        _stop.Dispose();
    }

    private void Loop()
    {
        if (!Interop.NetworkNamespaceJoin.TryJoinCurrentThread(_options.NetworkNamespacePath, out _))
        {
            Interlocked.Increment(ref _errors);
            return;
        }

        // Opened on this thread, so the netlink socket belongs to the watched namespace.
        _sockDiag = SockDiagListeners.TryOpen();
        while (!_stop.IsCancellationRequested)
        {
            ServedPortsChange change;
            try
            {
                change = Poll();
            }
            catch (Exception e) when (e is IOException or NftException or System.Text.Json.JsonException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _errors);
                change = new ServedPortsChange([], [], Snapshot);
            }

            List<TaskCompletionSource<ServedPortsChange>> waiters;
            lock (_gate)
            {
                waiters = [.. _waiters];
                _waiters.Clear();
            }

            foreach (var w in waiters)
            {
                w.TrySetResult(change);
            }

            WaitHandle.WaitAny([_poke, _stop.Token.WaitHandle], _options.PollInterval);
        }

        lock (_gate)
        {
            foreach (var w in _waiters)
            {
                w.TrySetCanceled();
            }
        }

        _sockDiag?.Dispose();
    }

    private ServedPortsChange Poll()
    {
        var next = new SortedSet<ServedPort>(_options.AlwaysServed);
        var sockets = new HashSet<ServedPort>();
        if (_sockDiag is null || !_sockDiag.TryRead(sockets))
        {
            sockets.Clear();
            ProcNetListeners.Read(sockets);
        }

        next.UnionWith(sockets);
        if (_options.IncludeDnat)
        {
            var r = _nft.Run("{\"nftables\":[{\"list\":{\"ruleset\":null}}]}"u8, terse: true).EnsureSuccess("list ruleset");
            DnatPorts.Read(r.Output, _options.OwnTable, next);
        }

        SortedSet<ServedPort> previous;
        lock (_gate)
        {
            previous = _current;
        }

        var added = new List<ServedPort>();
        var removed = new List<ServedPort>();
        foreach (var p in next)
        {
            if (!previous.Contains(p))
            {
                added.Add(p);
            }
        }

        foreach (var p in previous)
        {
            if (!next.Contains(p))
            {
                removed.Add(p);
            }
        }

        if (added.Count == 0 && removed.Count == 0)
        {
            return new ServedPortsChange([], [], [.. previous]);
        }

        // Kernel first: the snapshot only moves once the set holds it, so a failed push is retried next poll.
        _enforcer?.UpdateServedAsync(added, removed).GetAwaiter().GetResult();
        lock (_gate)
        {
            _current = next;
        }

        var change = new ServedPortsChange(added, removed, [.. next]);
        Changed?.Invoke(change);
        return change;
    }
}
