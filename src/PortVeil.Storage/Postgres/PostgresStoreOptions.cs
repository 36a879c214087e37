using System.ComponentModel.DataAnnotations;

namespace PortVeil.Storage.Postgres;

/// <summary>
/// How to reach the PostgreSQL database of a fleet: either <see cref="ConnectionString"/>, or host, port, database
/// and user. The password is only ever read from <see cref="PasswordFile"/>, so `config show` never prints it.
/// </summary>
public sealed record PostgresStoreOptions
{
    /// <summary>An Npgsql connection string without a password ("Host=db.example;Database=portveil;Username=portveil"); empty = use the keys below.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Host name, IP address, or a directory holding the server's unix socket.</summary>
    public string Host { get; set; } = PostgresStoreOptionsDefaults.Host;

    [Range(1, 65535)]
    public int Port { get; set; } = PostgresStoreOptionsDefaults.Port;

    public string Database { get; set; } = PostgresStoreOptionsDefaults.Database;

    public string Username { get; set; } = PostgresStoreOptionsDefaults.Username;

    /// <summary>A file holding the password (first line), readable by root only; empty = no password (peer or trust authentication).</summary>
    public string PasswordFile { get; set; } = string.Empty;

    /// <summary>Seconds a statement may run before it fails (the writer retries).</summary>
    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = PostgresStoreOptionsDefaults.CommandTimeoutSeconds;

    /// <summary>Names this host's connections in pg_stat_activity (the daemon sets it to "portveil HOST").</summary>
    public string ApplicationName { get; set; } = "portveil";
}
