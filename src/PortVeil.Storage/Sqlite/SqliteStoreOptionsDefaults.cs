namespace PortVeil.Storage.Sqlite;

public static class SqliteStoreOptionsDefaults
{
    public const string Path = "/var/lib/portveil/portveil.db";

    /// <summary>
    /// 5 s: long enough to ride out a `sqlite3` shell or a backup holding the lock briefly, short enough that a
    /// stuck lock shows up in `doctor` and the writer's last error within seconds. The writer retries anyway.
    /// </summary>
    public const int BusyTimeoutMs = 5000;
}
