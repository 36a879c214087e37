using System.Threading.Channels;
using PortVeil.Core;
using PortVeil.Sensors.Interop;

namespace PortVeil.Sensors.Nflog;

/// <summary>
/// Live packet events from the kernel's NFLOG target: the rules of `table inet portveil` log openers with a
/// prefix from <see cref="NflogPrefixes"/>, and this source turns each logged packet header into a
/// <see cref="PacketEvent"/>.
/// </summary>
/// <remarks>
/// <para>One dedicated reader thread owns the socket and a receive buffer allocated once; it parses each batch
/// and hands events to a bounded channel with a single consumer. When the consumer falls behind, events are
/// dropped and counted (<see cref="NflogCounters.Dropped"/>) rather than stalling the reader, because a stalled
/// reader makes the kernel drop instead (<see cref="NflogCounters.Overruns"/>, ENOBUFS), which costs more:
/// the whole batch is lost. Both are survived; nothing bad from the kernel stops the reader.</para>
/// <para>The socket lives in the network namespace of the thread that calls <see cref="Open"/> (tests call it
/// inside <c>ns.RunInside(...)</c>); it keeps reading there from any thread.</para>
/// <para>Consume either with <see cref="TryRead(out PacketEvent)"/> (blocking, the <see cref="IPacketSource"/>
/// way) or asynchronously through <see cref="Events"/>; not both at once.</para>
/// </remarks>
public sealed class NflogSource : IPacketSource
{
    /// <summary>The <see cref="ParseError.Source"/> of errors from this sensor.</summary>
    public const string SourceName = "nflog";

    // The kernel never sends more than max(nlbufsiz, one packet message) in a datagram: 128 KiB is the
    // largest nlbufsiz it accepts, and one message with copy range 65535 fits in 128 KiB too.
    private const int BufferSize = NfnetlinkLog.MaxBufferSize + 4096;

    private readonly NflogSocket _socket;
    private readonly Channel<PacketEvent> _channel;
    private readonly Thread _reader;
    private readonly byte[] _buffer;
    private readonly ParseErrorLog _errors = new();

    // Wakes a consumer blocked in TryRead. The reader signals it only when a consumer announced it is about to
    // block (_waiting 1 → 0), so a busy consumer costs the reader no syscall. The async path through the channel
    // (WaitToReadAsync) woke the consumer through a thread-pool continuation: one more thread hop per wake-up,
    // which on 2 busy cores cost up to milliseconds at the tail of the ban path.
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private int _waiting;
    private long _lastReceivedNs;
    private readonly RealtimeGovernor _realtime;
    private volatile bool _stopping;
    private long _messages;
    private long _packets;
    private long _overruns;
    private long _dropped;
    private long _parseErrors;

    private NflogSource(NflogSocket socket, NflogOptions options)
    {
        _socket = socket;
        ReceiveBufferSize = socket.ReceiveBufferSize;
        Groups = [.. options.Groups];
        // A quarter of the queue waiting for the detection thread is saturation on its own (4 096 of 16 384 by default).
        _realtime = new RealtimeGovernor(options.RealtimePriority, Math.Max(16, options.ChannelCapacity / 4));
        QueueCapacity = options.ChannelCapacity;
        _buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
        _channel = Channel.CreateBounded<PacketEvent>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            // With Wait, TryWrite returns false when full and the reader counts the drop; it never waits.
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "nflog reader" };
    }

    /// <summary>
    /// Opens a netlink socket in the calling thread's network namespace, binds <see cref="NflogOptions.Groups"/>,
    /// configures copy mode and batching, and starts the reader thread.
    /// </summary>
    /// <exception cref="IOException">The socket could not be created or a group could not be bound (EPERM without
    /// CAP_NET_ADMIN, or when another socket in the namespace already owns the group).</exception>
    public static NflogSource Open(NflogOptions? options = null)
    {
        options ??= new NflogOptions();
        options.Validate();
        var socket = NflogSocket.Open(options);
        var source = new NflogSource(socket, options);
        source._reader.Start();
        return source;
    }

    /// <summary>Events for an asynchronous consumer (the daemon's pipeline); completes when the source is disposed.</summary>
    public ChannelReader<PacketEvent> Events => _channel.Reader;

    /// <summary>The NFLOG groups this source is bound to.</summary>
    public IReadOnlyList<ushort> Groups { get; }

    /// <summary>The socket's netlink port id, so tests can send it crafted messages.</summary>
    internal uint PortId => _socket.PortId;

    /// <summary>Socket receive buffer granted by the kernel, in bytes (twice the request, as the kernel reports it).</summary>
    public int ReceiveBufferSize { get; }

    /// <summary>Bad netlink messages: <see cref="ParseError.Record"/> is the message number since the source was
    /// opened (1-based) and <see cref="ParseError.Offset"/> the byte offset inside its datagram.</summary>
    /// <remarks>Written by the reader thread; lock on this object to read <see cref="ParseErrorLog.Kept"/> while
    /// the source runs.</remarks>
    public ParseErrorLog Errors => _errors;

    /// <summary>When the latest datagram was received (ns since the Unix epoch, wall clock); 0 before the first.</summary>
    public long LastReceivedNs => Volatile.Read(ref _lastReceivedNs);

    /// <summary>The counters right now (each read atomically; together they may be a few packets apart).</summary>
    public NflogCounters Counters => new(
        Volatile.Read(ref _messages),
        Volatile.Read(ref _packets),
        Volatile.Read(ref _overruns),
        Volatile.Read(ref _dropped),
        Volatile.Read(ref _parseErrors));

    /// <summary>Waits for the next packet; false once the source is disposed and drained.</summary>
    public bool TryRead(out PacketEvent packet) => TryRead(out packet, Timeout.InfiniteTimeSpan);

    /// <summary>Waits up to <paramref name="timeout"/> for the next packet; false on timeout or end of stream.</summary>
    public bool TryRead(out PacketEvent packet, TimeSpan timeout)
    {
        var reader = _channel.Reader;
        if (reader.TryRead(out packet))
        {
            return true;
        }

        // Only an empty channel gets here. Announce the wait, then look again before blocking: the reader writes
        // then clears the flag with a full fence, so either we see its event or it sees our flag and wakes us.
        var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            _wake.Reset();
            Interlocked.Exchange(ref _waiting, 1);
            if (reader.TryRead(out packet))
            {
                Volatile.Write(ref _waiting, 0);
                return true;
            }

            var left = deadline - Environment.TickCount64;
            if (reader.Completion.IsCompleted || left <= 0)
            {
                Volatile.Write(ref _waiting, 0);
                packet = default;
                return false;
            }

            _wake.Wait((int)Math.Min(left, int.MaxValue));
        }
    }

    private void WakeConsumer()
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            _wake.Set();
        }
    }

    /// <summary>
    /// -1 while the reader has not started or no real-time priority was asked for; 0 when the reader runs under
    /// SCHED_FIFO at <see cref="NflogOptions.RealtimePriority"/>; else the errno that refused it.
    /// </summary>
    public int RealtimeError => _realtime.Error;

    /// <summary>The reader thread's real-time priority, demoted while saturated (<see cref="RealtimeGovernor"/>).</summary>
    public RealtimeGovernor Realtime => _realtime;

    /// <summary>Most events the queue to the consumer holds (`sensor.queue_capacity`).</summary>
    public int QueueCapacity { get; }

    /// <summary>Events waiting for the consumer now.</summary>
    public int Backlog => _channel.Reader.Count;

    private unsafe void ReadLoop()
    {
        _realtime.Start(RealtimeGovernor.MonotonicNs());

        var writer = _channel.Writer;
        Exception? fault = null;
        fixed (byte* buffer = _buffer)
        {
            while (!_stopping)
            {
                // Wakes at least every 100 ms (the socket's receive timeout), so a window always closes.
                var nowNs = RealtimeGovernor.MonotonicNs();
                if (_realtime.IsDue(nowNs))
                {
                    _realtime.Tick(nowNs, _channel.Reader.Count);
                }

                var n = _socket.Receive(buffer, _buffer.Length, out var errno);
                if (n < 0)
                {
                    if (errno == Sys.ENoBufs)
                    {
                        // The socket buffer overflowed and the kernel dropped log messages; the socket is fine.
                        Volatile.Write(ref _overruns, _overruns + 1);
                    }
                    else if (errno != Sys.EAgain && errno != Sys.EIntr && !_stopping)
                    {
                        fault = new IOException($"recv on the NFLOG socket failed: errno {errno}");
                        break;
                    }

                    continue;
                }

                if (n > _buffer.Length)
                {
                    Volatile.Write(ref _messages, _messages + 1);
                    AddError(_messages, 0, "datagram longer than the receive buffer; truncated datagram skipped");
                    continue;
                }

                try
                {
                    Process(new ReadOnlySpan<byte>(buffer, n), writer);
                    WakeConsumer();
                }
#pragma warning disable CA1031 // A decoder bug on one hostile datagram must not end the sensor: it is recorded and skipped.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    AddError(Volatile.Read(ref _messages), -1, "datagram skipped after an internal error: " + e.Message);
                }
            }
        }

        writer.TryComplete(fault);
        WakeConsumer();
    }

    private void Process(ReadOnlySpan<byte> datagram, ChannelWriter<PacketEvent> writer)
    {
        // Packets without a kernel time stamp get the receive time; one clock read per datagram.
        var now = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        Volatile.Write(ref _lastReceivedNs, now);
        var reader = new NflogMessageReader(datagram, now);
        var packet = default(PacketEvent);
        while (true)
        {
            var kind = reader.Next(ref packet, out var error, out var offset);
            if (kind == NflogRecordKind.End)
            {
                return;
            }

            var message = _messages + 1;
            Volatile.Write(ref _messages, message);
            if (kind == NflogRecordKind.Packet)
            {
                Volatile.Write(ref _packets, _packets + 1);
                if (!writer.TryWrite(packet))
                {
                    Volatile.Write(ref _dropped, _dropped + 1);
                }
            }
            else if (kind == NflogRecordKind.Error)
            {
                AddError(message, offset, error ?? "bad netlink message");
            }
        }
    }

    private void AddError(long message, int offset, string text)
    {
        Volatile.Write(ref _parseErrors, _parseErrors + 1);
        lock (_errors)
        {
            _errors.Add(new ParseError(SourceName, message, offset, text));
        }
    }

    /// <summary>Stops the reader (within its 100 ms poll), closes the socket and completes <see cref="Events"/>.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        if (_reader.IsAlive && !_reader.Join(TimeSpan.FromSeconds(2)))
        {
            // recv polls every 100 ms, so this only happens on a wedged kernel; close anyway.
            _channel.Writer.TryComplete();
            WakeConsumer();
        }

        _socket.Dispose();
    }
}
