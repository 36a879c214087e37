using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PortVeil.Sensors.IO;

/// <summary>
/// A sliding window over a stream: one buffer, filled by large reads, from which readers frame records as spans.
/// The buffer is rented once and grows only when a single record needs more than it holds (up to a cap), the
/// way Garnet's parse state grows only for a larger command. Renting from the shared pool keeps `analyze` over
/// many files from putting a fresh 1 MiB array on the large-object heap per file (a gen-2 collection each).
/// </summary>
internal sealed class StreamWindow : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxCapacity;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _eof;

    public StreamWindow(Stream stream, bool leaveOpen, int initialCapacity, int maxCapacity)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxCapacity = Math.Max(maxCapacity, initialCapacity);
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>Bytes available without reading.</summary>
    public int Available
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _end - _start;
    }

    /// <summary>File offset of the first available byte.</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>The available bytes.</summary>
    public ReadOnlySpan<byte> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(_buffer, _start, _end - _start);
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available; false when the stream ends first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Ensure(int count) => _end - _start >= count || Fill(count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count)
    {
        Debug.Assert(count <= _end - _start);
        _start += count;
    }

    /// <summary>Consumes <paramref name="count"/> bytes, reading past what the buffer holds; false when the stream ends first.</summary>
    public bool Skip(long count)
    {
        var inBuffer = _end - _start;
        if (count <= inBuffer)
        {
            _start += (int)count;
            return true;
        }

        count -= inBuffer;
        _bufferOffset += _end;
        _start = _end = 0;
        if (_stream.CanSeek)
        {
            var remaining = _stream.Length - _stream.Position;
            if (remaining < count)
            {
                _stream.Seek(0, SeekOrigin.End);
                _bufferOffset += remaining;
                _eof = true;
                return false;
            }

            _stream.Seek(count, SeekOrigin.Current);
            _bufferOffset += count;
            return true;
        }

        while (count > 0)
        {
            var n = _stream.Read(_buffer, 0, (int)Math.Min(count, _buffer.Length));
            if (n == 0)
            {
                _eof = true;
                return false;
            }

            count -= n;
            _bufferOffset += n;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Fill(int count)
    {
        if (count > _maxCapacity)
        {
            return false;
        }

        if (_eof)
        {
            return false;
        }

        var available = _end - _start;
        if (count > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_maxCapacity, Math.Max(count, _buffer.Length * 2)));
            _buffer.AsSpan(_start, available).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
            _bufferOffset += _start;
            _start = 0;
            _end = available;
        }
        else if (_start > 0)
        {
            _buffer.AsSpan(_start, available).CopyTo(_buffer);
            _bufferOffset += _start;
            _start = 0;
            _end = available;
        }

        while (_end < count)
        {
            var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                _eof = true;
                return false;
            }

            _end += n;
        }

        return true;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _bufferOffset += _start;
            _start = _end = 0;
            _eof = true;
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
