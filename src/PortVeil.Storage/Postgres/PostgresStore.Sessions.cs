using Npgsql;

namespace PortVeil.Storage.Postgres;

public sealed partial class PostgresStore
{
    // The other sessions of this database whose application_name equals this session's own, as PostgreSQL stored it.
    // Comparing with the stored value (not with a parameter) lets PostgreSQL apply its own rules to both sides: the
    // 63-byte clip (NAMEDATALEN - 1) and the replacement of non-ASCII characters. application_name, pid, datname and
    // usename are visible to every role; backend_start and client_addr only to superusers, pg_read_all_stats and the
    // same role (else NULL). Same database only: two fleets on one server may reuse host names.
    private const string OtherSessionsNamedLikeMeSql = """
        SELECT a.pid, a.application_name, a.usename, host(a.client_addr), a.backend_start
        FROM pg_stat_activity a
        WHERE a.application_name = (SELECT s.application_name FROM pg_stat_activity s WHERE s.pid = pg_backend_pid())
          AND a.pid <> pg_backend_pid()
          AND a.datname = current_database()
        ORDER BY a.backend_start NULLS LAST, a.pid
        """;

    /// <summary>
    /// Other sessions of this database connected under <paramref name="applicationName"/> (compared as PostgreSQL
    /// stores it), oldest first; never this store's own sessions unless they carry that name.
    /// </summary>
    /// <remarks>
    /// Opens one unpooled connection named <paramref name="applicationName"/> for the query and closes it: a pooled
    /// one would stay connected under that name and look like one more such session to the next caller.
    /// The name travels in the connection's start-up packet, never in SQL text.
    /// </remarks>
    public async Task<IReadOnlyList<PostgresSession>> FindOtherSessionsNamedAsync(string applicationName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationName);
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, ApplicationName = applicationName }.ConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand(OtherSessionsNamedLikeMeSql, connection);
            var sessions = new List<PostgresSession>();
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                sessions.Add(new PostgresSession(
                    r.GetInt32(0),
                    r.GetString(1),
                    r.IsDBNull(2) ? null : r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetString(3),
                    r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4)));
            }

            return sessions;
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            throw PostgresErrors.Translate(ex, Location);
        }
    }
}
