using Npgsql;

namespace PortVeil.Storage.Postgres;

/// <summary>Turns Npgsql's and PostgreSQL's errors into messages that name the database and say what to do.</summary>
internal static class PostgresErrors
{
    public static StorageException Translate(Exception ex, string location)
    {
        if (ex is PostgresException pg)
        {
            var detail = $"PostgreSQL {pg.SqlState}: {pg.MessageText}";
            return pg.SqlState switch
            {
                // Class 53: insufficient resources (disk full, out of memory, too many connections).
                "53100" => new StorageException(StorageErrorKind.DiskFull, location,
                    $"The disk of the PostgreSQL server of '{location}' is full ({detail}). Free space there; events are buffered in memory within bounds until then.", ex),
                "25006" => new StorageException(StorageErrorKind.ReadOnly, location,
                    $"The PortVeil database '{location}' is read-only ({detail}): this is a standby or a read-only transaction. Point storage at the primary.", ex),
                "28000" or "28P01" or "3D000" or "42501" => new StorageException(StorageErrorKind.CannotOpen, location,
                    $"PostgreSQL refused PortVeil at '{location}' ({detail}). Check the user, the database, the password file and pg_hba.conf.", ex),
                _ when pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal) =>
                    new StorageException(StorageErrorKind.Rejected, location,
                        $"The PortVeil database '{location}' refused a record ({detail}). This is a bug in PortVeil; the record was set aside.", ex),
                _ when pg.SqlState.StartsWith("40", StringComparison.Ordinal) || pg.SqlState.StartsWith("57", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal) =>
                    new StorageException(StorageErrorKind.IoError, location,
                        $"The PostgreSQL server of '{location}' ended or refused the work ({detail}); PortVeil retries.", ex),
                _ => new StorageException(StorageErrorKind.Other, location, $"The PortVeil database '{location}' failed: {detail}.", ex),
            };
        }

        // Socket errors, timeouts, a server that is down: an outage, retried by the writer; kernel bans keep working.
        return new StorageException(
            StorageErrorKind.CannotOpen,
            location,
            $"Cannot reach the PostgreSQL server of '{location}' ({ex.Message}). Kernel bans keep working and records are buffered " +
            "within bounds; check that the server runs and that this host can connect to it.",
            ex);
    }
}
