namespace PortVeil.Storage;

/// <summary>A storage failure whose message names the database file and says what to do about it.</summary>
public sealed class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageException(StorageErrorKind kind, string databasePath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        DatabasePath = databasePath;
    }

    public StorageErrorKind Kind { get; }

    public string? DatabasePath { get; }

    /// <summary>True when the same write may succeed later (lock released, disk freed, file repaired).</summary>
    public bool IsTransient => Kind is not (StorageErrorKind.Rejected or StorageErrorKind.NewerSchema);
}
