using System.Text.Json;
using PortVeil.Daemon.Notifications;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Notifications;

/// <summary>The daemon's JSON-lines incident log: one valid object per line, rotation bounded by size and count.</summary>
public sealed class IncidentLogSinkTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"pv-incidents-{Guid.NewGuid():N}");

    public IncidentLogSinkTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Each_incident_is_appended_as_one_json_line()
    {
        var path = Path.Combine(_dir, "incidents.jsonl");
        var notifier = new IncidentNotifier(new NotificationOptions { IncidentLog = path });
        var ban = Some.Ban();

        notifier.OnIncident(Guid.CreateVersion7(), Some.Verdict(), "lab-host", ban);
        notifier.OnIncident(Guid.CreateVersion7(), Some.Verdict("2001:db8::7"), "lab-host", null);
        await notifier.DisposeAsync();

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("203.0.113.7", first.RootElement.GetProperty("source").GetString());
        Assert.Equal(ban.Id.ToString("D"), first.RootElement.GetProperty("ban").GetProperty("id").GetString());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("2001:db8::7", second.RootElement.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("ban").ValueKind);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task The_log_rotates_by_size_keeps_the_configured_files_and_never_splits_a_line()
    {
        var path = Path.Combine(_dir, "incidents.jsonl");
        const long max = 4096;
        var sink = new IncidentLogSink(path, max, files: 2);
        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            // A line per incident, numbered so the order across files can be checked.
            Assert.True(sink.TryAppend($"{{\"n\":{i},\"pad\":\"{new string('x', 100)}\"}}"));
        }

        await sink.DisposeAsync();

        Assert.True(File.Exists(path));
        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"), "only two rotated files are kept");
        Assert.True(sink.Rotations > 2);
        var numbers = new List<int>();
        foreach (var file in (string[])[path + ".2", path + ".1", path])
        {
            Assert.True(new FileInfo(file).Length <= max, $"{file} is {new FileInfo(file).Length} bytes");
            foreach (var line in File.ReadAllLines(file))
            {
                using var doc = JsonDocument.Parse(line);
                numbers.Add(doc.RootElement.GetProperty("n").GetInt32());
            }
        }

        // The newest lines survive, in order, ending with the last one written.
        Assert.Equal(count - 1, numbers[^1]);
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        Assert.Equal(count, sink.Written);
        Assert.Equal(0, sink.Dropped);
    }

    [Fact]
    public async Task An_unwritable_log_drops_and_counts_lines_without_throwing()
    {
        // A directory where the file should be: every write fails.
        var path = Path.Combine(_dir, "taken");
        Directory.CreateDirectory(path);
        var sink = new IncidentLogSink(path, 1 << 20, files: 1);

        Assert.True(sink.TryAppend("{\"n\":1}"));
        Assert.True(sink.TryAppend("{\"n\":2}"));
        await sink.DisposeAsync();

        Assert.Equal(2, sink.Dropped);
        Assert.Equal(0, sink.Written);
    }
}
