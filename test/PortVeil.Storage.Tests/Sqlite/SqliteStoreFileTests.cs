using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using PortVeil.Core;
using PortVeil.TestSupport;

namespace PortVeil.Storage.Tests.Sqlite;

[SupportedOSPlatform("linux")]
public sealed class SqliteStoreFileTests : IDisposable
{
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public void The_bundled_native_sqlite_loads_and_supports_upsert()
    {
        using var store = _db.Open();
        using var c = _db.Connect();

        // ON CONFLICT … DO UPDATE needs SQLite 3.24; the bundle (SQLitePCLRaw e_sqlite3) brings its own build.
        var version = Version.Parse(c.ServerVersion);
        Assert.True(version >= new Version(3, 24), $"SQLite {version}");
    }

    [Fact]
    public void The_database_is_in_wal_mode_with_foreign_keys_on()
    {
        using var store = _db.Open();

        Assert.Equal("wal", store.JournalMode);
        using var c = _db.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public async Task The_directory_is_created_0700_and_the_database_files_are_0600()
    {
        using var store = _db.Open();
        await store.RecordBanAsync(Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1)));

        Assert.Equal(Mode700, File.GetUnixFileMode(Path.GetDirectoryName(_db.Path)!));
        Assert.Equal(Mode600, File.GetUnixFileMode(_db.Path));
        Assert.Equal(Mode600, File.GetUnixFileMode(_db.Path + "-wal"));
        Assert.Equal(Mode600, File.GetUnixFileMode(_db.Path + "-shm"));
    }

    [Fact]
    public void An_existing_world_readable_database_is_tightened_to_0600()
    {
        _db.Open().Dispose();
        File.SetUnixFileMode(_db.Path, Mode600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        _db.Open().Dispose();

        Assert.Equal(Mode600, File.GetUnixFileMode(_db.Path));
    }

    [Fact]
    public void A_file_of_random_bytes_gives_an_error_naming_the_file_and_what_to_do()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_db.Path)!);
        var garbage = new byte[64 * 1024];
        new Random(1234).NextBytes(garbage);
        File.WriteAllBytes(_db.Path, garbage);

        var ex = Assert.Throws<StorageException>(() => _db.Open());

        Assert.Equal(StorageErrorKind.Corrupt, ex.Kind);
        Assert.Equal(_db.Path, ex.DatabasePath);
        Assert.Contains($"'{_db.Path}' is corrupt or is not a SQLite database", ex.Message, StringComparison.Ordinal);
        Assert.Contains("move it aside", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Kernel bans keep working", ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(_db.Path));
    }

    [Fact]
    public async Task A_database_damaged_behind_its_header_gives_the_corrupt_error_on_use()
    {
        using (var store = _db.Open())
        {
            var events = new List<EventAggregate>();
            for (var i = 0; i < 2000; i++)
            {
                events.Add(Some.Event(NetAddress.FromV4(0xC633_6400u + (uint)(i % 250)), Some.T0.AddMinutes(i / 250)));
            }

            await store.AddEventsAsync(events);
        }

        SqliteConnection.ClearAllPools(); // last connection closed: WAL checkpointed into the file
        var bytes = File.ReadAllBytes(_db.Path);
        Assert.True(bytes.Length > 16 * 4096, $"{bytes.Length} bytes");
        new Random(99).NextBytes(bytes.AsSpan(4096));
        File.WriteAllBytes(_db.Path, bytes);

        var ex = await Assert.ThrowsAsync<StorageException>(async () =>
        {
            using var store = _db.Open();
            await store.ListEventsAsync(Some.T0, Some.T0.AddDays(1));
        });

        Assert.Equal(StorageErrorKind.Corrupt, ex.Kind);
        Assert.Contains(_db.Path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_immutable_database_file_gives_a_read_only_error_naming_the_file()
    {
        // chattr +i stops even root from writing (a read-only remount cannot be done here).
        using (var store = _db.Open())
        {
            await store.RecordBanAsync(Some.Ban(Some.Address(), Some.T0, TimeSpan.FromHours(1)));
        }

        SqliteConnection.ClearAllPools();
        ProcessRunner.Run("chattr", ["+i", _db.Path], TestTimeouts.Command).EnsureSuccess("chattr +i");
        try
        {
            var ex = await Assert.ThrowsAsync<StorageException>(async () =>
            {
                using var store = _db.Open();
                await store.RecordBanAsync(Some.Ban(Some.Address(2), Some.T0, TimeSpan.FromHours(1)));
            });

            Assert.Equal(StorageErrorKind.ReadOnly, ex.Kind);
            Assert.Contains($"'{_db.Path}' is read-only", ex.Message, StringComparison.Ordinal);
            Assert.Contains("ReadWritePaths", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            ProcessRunner.Run("chattr", ["-i", _db.Path], TestTimeouts.Command).EnsureSuccess("chattr -i");
        }
    }

    [Fact]
    public void A_directory_where_the_file_should_be_gives_a_clear_error()
    {
        Directory.CreateDirectory(_db.Path);

        var ex = Assert.Throws<StorageException>(() => _db.Open());

        Assert.Equal(StorageErrorKind.CannotOpen, ex.Kind);
        Assert.Contains("is a directory", ex.Message, StringComparison.Ordinal);
    }
}
