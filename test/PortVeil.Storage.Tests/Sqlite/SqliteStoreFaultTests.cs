using System.Runtime.Versioning;
using PortVeil.Storage.Sqlite;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Sqlite;

/// <summary>Faults of the database file itself (issue 7): a corrupt file at start, a file made read-only while open.</summary>
[SupportedOSPlatform("linux")]
public sealed class SqliteStoreFaultTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose()
    {
        // Never leave an immutable file behind: the temp directory could not be deleted.
        foreach (var file in (string[])[_db.Path, _db.Path + "-wal", _db.Path + "-shm"])
        {
            if (File.Exists(file))
            {
                ProcessRunner.Run("chattr", "-i", file);
            }
        }

        _db.Dispose();
    }

    [Fact]
    public async Task A_corrupt_database_is_moved_aside_with_its_wal_and_shm_and_a_new_one_opens()
    {
        using (var store = _db.Open())
        {
            await store.RecordBanAsync(Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1)));
        }

        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(_db.Path, garbage);
        var error = Assert.Throws<StorageException>(() => _db.Open());
        Assert.Equal(StorageErrorKind.Corrupt, error.Kind);
        Assert.Contains(_db.Path, error.Message, StringComparison.Ordinal);

        // A -wal left beside it (SQLite removes an empty one when the failed open closes) moves with it.
        File.WriteAllBytes(_db.Path + "-wal", [1, 2, 3]);

        var movedTo = SqliteStore.MoveAsideCorrupt(_db.Path, new DateTimeOffset(2026, 11, 25, 20, 15, 0, TimeSpan.Zero));

        Assert.Equal(_db.Path + ".corrupt-20261125T201500Z", movedTo);
        Assert.Equal(garbage, File.ReadAllBytes(movedTo));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(movedTo + "-wal"));
        Assert.False(File.Exists(_db.Path));
        using var fresh = _db.Open();
        Assert.Empty(await fresh.ListActiveBansAsync(Some.T0));
    }

    [Fact]
    public void A_second_corrupt_file_in_the_same_second_never_overwrites_the_first_copy()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        var at = new DateTimeOffset(2026, 11, 25, 20, 15, 0, TimeSpan.Zero);
        File.WriteAllText(_db.Path, "first");
        var first = SqliteStore.MoveAsideCorrupt(_db.Path, at);
        File.WriteAllText(_db.Path, "second");

        var second = SqliteStore.MoveAsideCorrupt(_db.Path, at);

        Assert.NotEqual(first, second);
        Assert.Equal("first", File.ReadAllText(first));
        Assert.Equal("second", File.ReadAllText(second));
    }

    [Fact]
    public async Task A_database_made_immutable_while_open_is_reported_read_only_by_name_and_written_again_once_writable()
    {
        using var store = _db.Open();
        await store.RecordBanAsync(Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1)));
        ProcessRunner.Run("chattr", "+i", _db.Path, _db.Path + "-wal").EnsureSuccess("chattr +i");

        var batch = new StorageBatch();
        batch.Bans.Add(Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1)));
        var error = await Assert.ThrowsAsync<StorageException>(() => store.WriteBatchAsync(batch));

        Assert.Equal(StorageErrorKind.ReadOnly, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Contains(_db.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("read-only", error.Message, StringComparison.Ordinal);

        ProcessRunner.Run("chattr", "-i", _db.Path, _db.Path + "-wal").EnsureSuccess("chattr -i");
        await store.WriteBatchAsync(batch);
        Assert.Equal(2, (await store.ListActiveBansAsync(Some.T0)).Count);
    }

    [Fact]
    public async Task A_database_immutable_before_start_opens_for_reading_and_refuses_writes_as_read_only()
    {
        using (var store = _db.Open())
        {
            await store.RecordBanAsync(Some.Ban(Some.Address(1), Some.T0, TimeSpan.FromHours(1)));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = new[] { _db.Path, _db.Path + "-wal", _db.Path + "-shm" }.Where(File.Exists).ToArray();
        ProcessRunner.Run("chattr", ["+i", .. files]).EnsureSuccess("chattr +i");

        using var reopened = _db.Open();
        Assert.Single(await reopened.ListActiveBansAsync(Some.T0));
        var batch = new StorageBatch();
        batch.Bans.Add(Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1)));
        var error = await Assert.ThrowsAsync<StorageException>(() => reopened.WriteBatchAsync(batch));
        Assert.Equal(StorageErrorKind.ReadOnly, error.Kind);
        Assert.Contains(_db.Path, error.Message, StringComparison.Ordinal);

        // Writable again: the next write gets a fresh connection (a pooled one would have stayed read-only).
        ProcessRunner.Run("chattr", ["-i", .. files]).EnsureSuccess("chattr -i");
        await reopened.WriteBatchAsync(batch);
        Assert.Equal(2, (await reopened.ListActiveBansAsync(Some.T0)).Count);
    }
}
