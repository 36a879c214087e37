using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace PortVeil.Daemon.Notifications;

/// <summary>
/// Appends each incident as one JSON line to a file (for Promtail/Loki, the Splunk forwarder, Filebeat), from a
/// background writer behind a bounded queue, and rotates by size: incidents.jsonl → incidents.jsonl.1 → … →
/// .N, the oldest deleted. A full queue or a failing disk drops lines and counts them; the ban path never waits.
/// </summary>
/// <remarks>
/// Rotation renames (never copies and truncates), so a follower that tracks the file by inode reads the old file
/// to its end and then opens the new one, as logrotate's default `create` mode behaves. Lines are never split
/// across files. The file is created 0640: incidents name addresses and ports, which are not for every local user.
/// </remarks>
public sealed class IncidentLogSink : IAsyncDisposable
{
    /// <summary>Lines waiting; 10 000 absorbs a burst of a spoofed flood's verdicts while the disk is slow.</summary>
    public const int QueueCapacity = 10_000;

    private const UnixFileMode CreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _files;
    private readonly ILogger _logger;
    private readonly Channel<string> _queue;
    private readonly Task _worker;
    private FileStream? _stream;
    private long _written;
    private long _dropped;
    private long _rotations;

    public IncidentLogSink(string path, long maxBytes, int files, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(files, 1);
        _path = path;
        _maxBytes = maxBytes;
        _files = files;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _queue = Channel.CreateBounded<string>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = Task.Run(RunAsync);
    }

    public string Path => _path;

    /// <summary>Lines written to disk.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Lines lost to a full queue or a write error.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Rotations => Interlocked.Read(ref _rotations);

    /// <summary>Queues one line (without its newline); false and counted when the queue is full.</summary>
    public bool TryAppend(string jsonLine)
    {
        if (_queue.Writer.TryWrite(jsonLine))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    private async Task RunAsync()
    {
        await foreach (var line in _queue.Reader.ReadAllAsync())
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            try
            {
                var stream = Open();
                if (stream.Length > 0 && stream.Length + bytes.Length > _maxBytes)
                {
                    Rotate();
                    stream = Open();
                }

                stream.Write(bytes);
                if (_queue.Reader.Count == 0)
                {
                    stream.Flush();
                }

                Interlocked.Increment(ref _written);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (Interlocked.Increment(ref _dropped) == 1)
                {
                    LogMessages.IncidentLogFailed(_logger, e, _path);
                }

                _stream?.Dispose();
                _stream = null;
            }
        }

        _stream?.Dispose();
        _stream = null;
    }

    private FileStream Open()
    {
        if (_stream is not null)
        {
            return _stream;
        }

        var directory = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = CreateMode;
        }

        _stream = new FileStream(_path, options);
        return _stream;
    }

    private void Rotate()
    {
        _stream?.Dispose();
        _stream = null;
        File.Delete($"{_path}.{_files}");
        for (var i = _files - 1; i >= 1; i--)
        {
            var from = $"{_path}.{i}";
            if (File.Exists(from))
            {
                File.Move(from, $"{_path}.{i + 1}", overwrite: true);
            }
        }

        File.Move(_path, $"{_path}.1", overwrite: true);
        Interlocked.Increment(ref _rotations);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker;
    }
}
