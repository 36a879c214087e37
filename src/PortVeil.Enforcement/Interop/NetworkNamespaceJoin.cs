using System.Runtime.InteropServices;

namespace PortVeil.Enforcement.Interop;

/// <summary>
/// Joins the calling thread to a network namespace file (/var/run/netns/NAME). setns(2) changes only the calling
/// thread, and threads it creates inherit its namespace, so a dedicated thread that joined once keeps every socket
/// it opens (NFLOG, sock_diag, libnftables) and every /proc/thread-self/net file it reads in that namespace.
/// </summary>
public static class NetworkNamespaceJoin
{
    // The namespace file this thread joined (null: it never left the process's namespace).
    [ThreadStatic]
    private static string? t_joined;

    /// <summary>
    /// True when the calling thread is in <paramref name="path"/>'s namespace as far as this class knows: it joined
    /// <paramref name="path"/> here, or <paramref name="path"/> is null and the thread never joined one.
    /// </summary>
    public static bool IsCurrentThreadIn(string? path) => string.Equals(t_joined, path, StringComparison.Ordinal);

    /// <summary>Joins <paramref name="path"/>; a null path leaves the thread where it is.</summary>
    public static void JoinCurrentThread(string? path)
    {
        if (!TryJoinCurrentThread(path, out var error))
        {
            throw new InvalidOperationException(error);
        }
    }

    /// <summary>
    /// Joins <paramref name="path"/> for threads that report failure instead of throwing (a background loop must
    /// not take the process down); <paramref name="error"/> says why it failed.
    /// </summary>
    public static bool TryJoinCurrentThread(string? path, out string? error)
    {
        error = null;
        if (path is null)
        {
            return true;
        }

        try
        {
            using var ns = File.OpenHandle(path);
            if (Netlink.SetNs((int)ns.DangerousGetHandle(), Netlink.CloneNewNet) == 0)
            {
                t_joined = path;
                return true;
            }

            error = $"setns into {path} failed: errno {Marshal.GetLastPInvokeError()}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot open network namespace {path}: {e.Message}";
        }

        return false;
    }

    /// <summary>Runs <paramref name="action"/> on a new thread joined to <paramref name="path"/> and waits for it.</summary>
    public static T Run<T>(string? path, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (path is null)
        {
            return action();
        }

        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                JoinCurrentThread(path);
                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = "portveil netns" };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"in network namespace {path}: {error.Message}", error);
        }

        return result;
    }
}
