using System.Globalization;
using Microsoft.Extensions.Logging;
using PortVeil.Storage;
using PortVeil.Storage.Postgres;

namespace PortVeil.Daemon.Fleet;

/// <summary>
/// At fleet start, before this daemon's own listener connects: is another daemon already connected to the shared
/// database under this host's name? Two hosts under one name (cloned machines, containers with one host name, a
/// copied portveil.toml with fleet.host_name) break the fleet silently: each skips the other's bans as its own and
/// the consensus counts both as one host. Found sessions are logged as a warning and kept for /metrics; the daemon
/// starts regardless, since the other session may be stale (a host that lost power stays in pg_stat_activity until
/// the server's TCP keepalive gives up on it, about two hours with Linux defaults).
/// </summary>
/// <remarks>Checked once at start: the host that joins second warns, and so does the first at its next restart.</remarks>
internal static class FleetHostNameCheck
{
    /// <summary>The application_name of a fleet listener's session: "portveil fleet " + the host name.</summary>
    public const string ListenerPrefix = "portveil fleet ";

    // 5 s: the store has just answered at open; a check that cannot finish by then only delays protection.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    public static string ListenerApplicationName(string hostName) => ListenerPrefix + hostName;

    /// <summary>Other sessions found under this host's listener name (0 when none, or when the check failed: logged).</summary>
    public static async Task<int> RunAsync(PostgresStore store, string hostName, ILogger logger, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Bound);
        IReadOnlyList<PostgresSession> sessions;
        try
        {
            sessions = await store.FindOtherSessionsNamedAsync(ListenerApplicationName(hostName), bound.Token);
        }
        catch (StorageException e)
        {
            LogMessages.FleetHostNameCheckFailed(logger, hostName, e.Message);
            return 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogMessages.FleetHostNameCheckFailed(logger, hostName, string.Create(CultureInfo.InvariantCulture, $"no answer within {Bound.TotalSeconds:0} s"));
            return 0;
        }

        if (sessions.Count > 0)
        {
            var first = sessions[0];
            LogMessages.FleetHostNameInUse(
                logger,
                hostName,
                store.Location,
                sessions.Count,
                first.ClientAddress ?? "an address this role may not see (or a local socket)",
                first.StartedAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "a time this role may not see",
                first.Pid,
                first.ApplicationName);
        }

        return sessions.Count;
    }
}
