namespace PortVeil.Storage.Postgres;

/// <summary>Another client session of the same database, as pg_stat_activity shows it to this role.</summary>
/// <param name="Pid">The server process id of that session.</param>
/// <param name="ApplicationName">Its application_name as PostgreSQL stores it (clipped to 63 bytes).</param>
/// <param name="Role">The role it logged in as.</param>
/// <param name="ClientAddress">Its client's IP address; null for a Unix-socket client, or when this role may not see it
/// (only superusers, pg_read_all_stats members and the session's own role see other sessions' details).</param>
/// <param name="StartedAt">When it connected; null when this role may not see it.</param>
public sealed record PostgresSession(int Pid, string ApplicationName, string? Role, string? ClientAddress, DateTimeOffset? StartedAt);
