using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Sensors.IO;

namespace PortVeil.Sensors.KernelLog;

/// <summary>
/// Reads kernel firewall LOG lines (a syslog file, journalctl output, dmesg, or any text stream) as
/// <see cref="PacketEvent"/>s, one line at a time from a reused buffer.
/// </summary>
/// <remarks>
/// Lines without an IN= token are other messages: counted in <see cref="Skipped"/>, not errors. Bad packet lines
/// become a <see cref="ParseError"/> with the file, the 1-based line number and the byte offset of the line's start.
/// </remarks>
public sealed class KernelLogReader : IOfflinePacketSource
{
    // syslog daemons cap lines at 1-8 KiB; 64 KiB leaves room for anything real and bounds a line-less file.
    private const int MaxLineLength = 64 * 1024;
    private const int BufferLength = 256 * 1024;

    private readonly StreamWindow _window;
    private readonly KernelLogLineParser _parser;
    private readonly long _totalBytes;
    private bool _done;
    private long _lines;
    private long _packets;
    private long _skipped;

    /// <summary>Reads a log file; the year of syslog lines comes from <paramref name="options"/> or the file's modification time.</summary>
    public KernelLogReader(string path, KernelLogOptions? options = null, ParseErrorLog? errors = null)
        : this(InputFile.OpenRead(path), path, leaveOpen: false, options, ReferenceTime(path, options), errors)
    {
    }

    /// <summary>Reads log text from a byte stream (UTF-8 or ASCII).</summary>
    public KernelLogReader(Stream stream, string name, bool leaveOpen = false, KernelLogOptions? options = null, DateTime? referenceTime = null, ParseErrorLog? errors = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Errors = errors ?? new ParseErrorLog();
        _parser = new KernelLogLineParser(options, referenceTime);
        _totalBytes = stream.CanSeek ? stream.Length - stream.Position : -1;
        var initial = _totalBytes >= 0 ? (int)Math.Clamp(_totalBytes + 1, 4096, BufferLength) : BufferLength;
        _window = new StreamWindow(stream, leaveOpen, initial, MaxLineLength + BufferLength);
    }

    /// <summary>Reads log text from a <see cref="TextReader"/>; offsets count UTF-8 bytes of the text.</summary>
    public KernelLogReader(TextReader reader, string name, bool leaveOpen = false, KernelLogOptions? options = null, DateTime? referenceTime = null, ParseErrorLog? errors = null)
        : this(new TextReaderStream(reader ?? throw new ArgumentNullException(nameof(reader)), leaveOpen), name, leaveOpen: false, options, referenceTime, errors)
    {
    }

    public string Name { get; }

    public CaptureFormat Format => CaptureFormat.KernelLog;

    public ParseErrorLog Errors { get; }

    /// <summary>Lines read so far.</summary>
    public long Records => _lines;

    public long Packets => _packets;

    /// <summary>Lines that are not packet lines (no IN=), including blank ones.</summary>
    public long Skipped => _skipped;

    public long BytesRead => _window.Position;

    public long TotalBytes => _totalBytes;

    public bool Failed => false;

    public bool TryRead(out PacketEvent packet)
    {
        packet = default;
        while (!_done)
        {
            var lineStart = _window.Position;
            if (!TryNextLine(out var lineLength, out var consumed))
            {
                _done = true;
                break;
            }

            _lines++;
            if (lineLength > MaxLineLength || lineLength < 0)
            {
                SkipLongLine(lineStart, consumed, lineEnded: lineLength >= 0);
                continue;
            }

            var line = _window.Span[..lineLength];
            _window.Advance(consumed);
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (_parser.TryParse(line, ref packet, out var error))
            {
                _packets++;
                return true;
            }

            if (error is null)
            {
                _skipped++;
            }
            else
            {
                AddError(lineStart, error);
            }
        }

        packet = default;
        return false;
    }

    /// <summary>
    /// Frames the next line: its length without '\n' and the bytes it takes (with '\n'). A line longer than
    /// <see cref="MaxLineLength"/> gives length -1. False at the end of the input.
    /// </summary>
    private bool TryNextLine(out int length, out int consumed)
    {
        var scanned = 0;
        while (true)
        {
            var span = _window.Span;
            var newline = span[scanned..].IndexOf((byte)'\n');
            if (newline >= 0)
            {
                length = scanned + newline;
                consumed = length + 1;
                return true;
            }

            scanned = span.Length;
            if (scanned > MaxLineLength)
            {
                length = -1;
                consumed = scanned;
                return true;
            }

            if (!_window.Ensure(scanned + 1))
            {
                // The last line may lack its '\n'.
                length = _window.Available;
                consumed = length;
                return length > 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SkipLongLine(long lineStart, int consumed, bool lineEnded)
    {
        AddError(lineStart, "line longer than 64 KiB: skipped");
        _window.Advance(consumed);
        while (!lineEnded)
        {
            if (!_window.Ensure(1))
            {
                return;
            }

            var span = _window.Span;
            var newline = span.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _window.Advance(newline + 1);
                return;
            }

            _window.Advance(span.Length);
        }
    }

    public void Dispose() => _window.Dispose();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddError(long offset, string message) => Errors.Add(new ParseError(Name, _lines, offset, message));


    private static DateTime? ReferenceTime(string path, KernelLogOptions? options)
    {
        if (options?.Year is not null || !File.Exists(path))
        {
            return null;
        }

        var zone = options?.TimeZone ?? TimeZoneInfo.Local;
        return TimeZoneInfo.ConvertTimeFromUtc(File.GetLastWriteTimeUtc(path), zone);
    }
}
