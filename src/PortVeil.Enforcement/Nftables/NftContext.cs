using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using PortVeil.Enforcement.Interop;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// One libnftables context on its own thread. Every command runs on that thread, so calls are serialised (a
/// context is not thread-safe) and the netlink socket lives in the namespace the thread was created in: the
/// creating thread's namespace, or <paramref name="networkNamespacePath"/> when given (the thread joins it with
/// setns(2) before nft_ctx_new, which opens the socket at once on 1.0.6).
/// </summary>
public sealed class NftContext : IDisposable
{
    private readonly BlockingCollection<WorkItem> _queue = new(boundedCapacity: 1024);
    private readonly Thread _thread;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _dryRun;
    private readonly string? _networkNamespacePath;
    private IntPtr _ctx;
    private bool _disposed;

    public NftContext(bool dryRun = false, string? networkNamespacePath = null)
    {
        _dryRun = dryRun;
        _networkNamespacePath = networkNamespacePath;
        _thread = new Thread(Loop) { IsBackground = true, Name = "portveil nft" };
        _thread.Start();
        _started.Task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The netlink fast path for fresh bans, opened in this context's namespace (null in dry-run or when it could
    /// not be opened). Not thread-safe: the enforcer serialises its use.
    /// </summary>
    internal NftSetElementSocket? ElementSocket { get; private set; }

    /// <summary>True when libnftables.so.1 can be loaded on this host.</summary>
    public static bool IsLibraryAvailable() => NativeLibrary.TryLoad(LibNftables.Library, out _);

    /// <summary>Runs <paramref name="command"/> (UTF-8 JSON or nft syntax, no NUL) and waits for it.</summary>
    public NftResult Run(ReadOnlySpan<byte> command, bool json = true, bool terse = false) =>
        RunAsync(command, json, terse).GetAwaiter().GetResult();

    public NftResult Run(string command, bool json = true, bool terse = false) =>
        Run(Encoding.UTF8.GetBytes(command), json, terse);

    /// <summary>Queues <paramref name="command"/> for the context's thread.</summary>
    public Task<NftResult> RunAsync(ReadOnlySpan<byte> command, bool json = true, bool terse = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = ArrayPool<byte>.Shared.Rent(command.Length + 1);
        command.CopyTo(buffer);
        buffer[command.Length] = 0;
        var item = new WorkItem(buffer, json, terse);
        _queue.Add(item);
        return item.Completion.Task;
    }

    /// <summary>
    /// Runs <paramref name="command"/> on the calling thread, without the hop to the context's thread and back
    /// (each hop is a thread wake-up; on 2 busy cores a wake-up can wait milliseconds for a CPU). The context is
    /// used under the same process-wide lock as everywhere else, so calls stay serialised. A thread that has not
    /// joined this context's network namespace through <see cref="NetworkNamespaceJoin"/> gets the queued path
    /// instead (a thread's own namespace decides where netlink sockets libnftables may open go).
    /// </summary>
    public NftResult RunOnCallingThread(ReadOnlySpan<byte> command, bool json = true, bool terse = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!NetworkNamespaceJoin.IsCurrentThreadIn(_networkNamespacePath))
        {
            return Run(command, json, terse);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(command.Length + 1);
        try
        {
            command.CopyTo(buffer);
            buffer[command.Length] = 0;
            lock (LibraryLock)
            {
                // The context's thread frees the context under this lock when disposed.
                ObjectDisposedException.ThrowIf(_ctx == IntPtr.Zero, this);
                return ExecuteLocked(buffer, json, terse);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Loop()
    {
        try
        {
            try
            {
                NetworkNamespaceJoin.JoinCurrentThread(_networkNamespacePath);
            }
            catch (InvalidOperationException e)
            {
                throw new NftException(e.Message);
            }

            lock (LibraryLock)
            {
                _ctx = LibNftables.CtxNew(0);
            }

            if (_ctx == IntPtr.Zero)
            {
                throw new NftException("nft_ctx_new returned NULL");
            }

            if (LibNftables.CtxBufferOutput(_ctx) != 0 || LibNftables.CtxBufferError(_ctx) != 0)
            {
                throw new NftException("nft_ctx_buffer_output/error failed");
            }

            LibNftables.CtxSetDryRun(_ctx, _dryRun);
            if (!_dryRun)
            {
                // Opened here, on the thread that is in this context's namespace, so the fast path's bans can only
                // ever reach this namespace's table, whichever thread later sends them.
                try
                {
                    ElementSocket = NftSetElementSocket.Open();
                }
                catch (NftException)
                {
                    // No fast path; every ban goes through libnftables.
                }
            }

            _started.SetResult();
        }
        catch (Exception e) when (e is NftException or DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
        {
            _started.SetException(e);
            return;
        }

        foreach (var item in _queue.GetConsumingEnumerable())
        {
            try
            {
                item.Completion.SetResult(Execute(item));
            }
            catch (Exception e)
            {
                // Never leave a caller waiting forever; the context thread keeps serving.
                item.Completion.TrySetException(e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }

        lock (LibraryLock)
        {
            LibNftables.CtxFree(_ctx);
            _ctx = IntPtr.Zero;
        }

        ElementSocket?.Dispose();
    }

    /// <summary>
    /// libnftables keeps process-wide state that is not thread-safe (its JSON output tokenises type names with
    /// strtok): two contexts running commands on two threads at once aborted the process with
    /// "json.c:71: set_dtype_json: Assertion `__out' failed" (seen here with the watchdog's checker context listing
    /// the table while bans were added). Every command in the process runs under this one lock; a command takes
    /// ~0.1 ms, so the only cost is that a check can delay a ban by one command.
    /// </summary>
    private static readonly Lock LibraryLock = new();

    private NftResult Execute(WorkItem item)
    {
        lock (LibraryLock)
        {
            return ExecuteLocked(item.Buffer, item.Json, item.Terse);
        }
    }

    private unsafe NftResult ExecuteLocked(byte[] command, bool json, bool terse)
    {
        var flags = (json ? LibNftables.OutputJson : 0) | (terse ? LibNftables.OutputTerse : 0);
        LibNftables.CtxOutputSetFlags(_ctx, flags);
        int rc;
        fixed (byte* p = command)
        {
            rc = LibNftables.RunCmdFromBuffer(_ctx, p);
        }

        // Reading a buffer also rewinds it for the next command.
        var output = Marshal.PtrToStringUTF8(LibNftables.CtxGetOutputBuffer(_ctx)) ?? "";
        var error = Marshal.PtrToStringUTF8(LibNftables.CtxGetErrorBuffer(_ctx)) ?? "";
        return new NftResult(rc, output, error);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
    }

    private sealed record WorkItem(byte[] Buffer, bool Json, bool Terse)
    {
        public TaskCompletionSource<NftResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
