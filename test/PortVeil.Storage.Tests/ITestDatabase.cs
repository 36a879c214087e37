namespace PortVeil.Storage.Tests;

/// <summary>A fresh, empty database of one backend for one test; deleted on Dispose.</summary>
public interface ITestDatabase : IDisposable
{
    /// <summary>Opens (and migrates) a store on it; each call is a new store on the same database.</summary>
    IPortVeilStore OpenStore();
}
