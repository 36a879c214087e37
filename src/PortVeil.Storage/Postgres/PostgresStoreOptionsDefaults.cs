namespace PortVeil.Storage.Postgres;

public static class PostgresStoreOptionsDefaults
{
    public const string Host = "localhost";

    public const int Port = 5432;

    public const string Database = "portveil";

    public const string Username = "portveil";

    /// <summary>10 s: a batch of a few thousand rows takes milliseconds; longer means the server is in trouble.</summary>
    public const int CommandTimeoutSeconds = 10;
}
