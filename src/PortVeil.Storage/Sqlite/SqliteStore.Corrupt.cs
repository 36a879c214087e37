using System.Globalization;

namespace PortVeil.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <summary>
    /// Moves a corrupt database out of the way with its -wal and -shm files, keeping them together
    /// (<c>portveil.db.corrupt-20261125T201500Z</c>, <c>…-wal</c>, <c>…-shm</c>) so the copy can still be opened
    /// for inspection. Returns the new path of the database file. Nothing is deleted.
    /// </summary>
    /// <remarks>Call only after <see cref="Open(SqliteStoreOptions)"/> failed with <see cref="StorageErrorKind.Corrupt"/>: no connection is open then.</remarks>
    public static string MoveAsideCorrupt(string path, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var target = $"{full}.corrupt-{stamp}";
        for (var n = 2; File.Exists(target); n++)
        {
            // Two corrupt starts within one second: never overwrite the first copy.
            target = $"{full}.corrupt-{stamp}-{n}";
        }

        try
        {
            File.Move(full, target);
            foreach (var suffix in (ReadOnlySpan<string>)["-wal", "-shm"])
            {
                if (File.Exists(full + suffix))
                {
                    File.Move(full + suffix, target + suffix);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(
                StorageErrorKind.Corrupt,
                full,
                $"The PortVeil database '{full}' is corrupt and could not be moved aside to '{target}' ({ex.Message}). Move it away by hand " +
                "(with its -wal and -shm files) and start PortVeil again.",
                ex);
        }

        return target;
    }
}
