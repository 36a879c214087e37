using Microsoft.Data.Sqlite;
using PortVeil.Storage.Sqlite;

namespace PortVeil.Storage.Tests;

/// <summary>A fresh directory under /tmp holding one database file; deleted (with its pools) on Dispose.</summary>
public sealed class TempDatabase : ITestDatabase
{
    public TempDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portveil-storage-" + Guid.NewGuid().ToString("N"));
        Path = System.IO.Path.Combine(Directory, "state", "portveil.db");
    }

    /// <summary>The temp root; the database sits in a subdirectory the store creates itself.</summary>
    public string Directory { get; }

    public string Path { get; }

    public SqliteStoreOptions Options(int busyTimeoutMs = 5000) => new() { Path = Path, BusyTimeoutMs = busyTimeoutMs };

    public SqliteStore Open(int busyTimeoutMs = 5000) => SqliteStore.Open(Options(busyTimeoutMs));

    public IPortVeilStore OpenStore() => Open();

    public int Execute(string sql)
    {
        using var c = Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }

    /// <summary>A plain connection of the test's own, outside the store (to inspect or to hold locks).</summary>
    public SqliteConnection Connect()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
