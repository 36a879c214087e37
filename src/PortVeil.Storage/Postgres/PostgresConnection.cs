using Npgsql;

namespace PortVeil.Storage.Postgres;

/// <summary>Builds the Npgsql connection string from <see cref="PostgresStoreOptions"/>, the password from its file.</summary>
internal static class PostgresConnection
{
    public static NpgsqlConnectionStringBuilder Build(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = options.ConnectionString.Length > 0
                ? new NpgsqlConnectionStringBuilder(options.ConnectionString)
                : new NpgsqlConnectionStringBuilder
                {
                    Host = options.Host,
                    Port = options.Port,
                    Database = options.Database,
                    Username = options.Username,
                };
        }
        catch (ArgumentException e)
        {
            throw new StorageException(StorageErrorKind.CannotOpen, "postgresql", $"storage.postgresql_connection is not a valid connection string: {e.Message}", e);
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            // A password in portveil.toml would be printed by `config show` and readable by anyone who can read the config.
            throw new StorageException(
                StorageErrorKind.CannotOpen,
                Describe(builder),
                "storage.postgresql_connection holds a password: remove it and put the password in the file named by storage.postgresql_password_file (mode 0600).");
        }

        if (options.PasswordFile.Length > 0)
        {
            try
            {
                using var reader = new StreamReader(options.PasswordFile);
                builder.Password = (reader.ReadLine() ?? string.Empty).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException(
                    StorageErrorKind.CannotOpen,
                    Describe(builder),
                    $"Cannot read the PostgreSQL password file '{options.PasswordFile}' ({e.Message}). It must exist and be readable by the user PortVeil runs as.",
                    e);
            }
        }

        builder.ApplicationName ??= options.ApplicationName;
        builder.CommandTimeout = options.CommandTimeoutSeconds;
        builder.Timeout = Math.Min(15, Math.Max(1, options.CommandTimeoutSeconds));

        // Enlist is irrelevant here; NoResetOnClose keeps pooled connections cheap between the writer's batches.
        builder.NoResetOnClose = true;
        return builder;
    }

    /// <summary>"postgresql://user@host:port/database", never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
}
