namespace PortVeil.Storage.Tests;

/// <summary>A fresh, empty database of one backend for one test; deleted on Dispose.</summary>
public interface ITestDatabase : IDisposable
{
    /// <summary>Opens (and migrates) a store on it; each call is a new store on the same database.</summary>
    IPortVeilStore OpenStore();

    /// <summary>Runs SQL of the test's own on the database, outside the store (to damage a row on purpose); returns rows changed.</summary>
    int Execute(string sql);
}
