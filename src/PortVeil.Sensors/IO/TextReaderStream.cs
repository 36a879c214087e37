using System.Text;

namespace PortVeil.Sensors.IO;

/// <summary>
/// A read-only stream of UTF-8 bytes over a <see cref="TextReader"/>, so text sources go through the same
/// byte-level line framing as files. One char buffer, reused; nothing allocated per read.
/// </summary>
internal sealed class TextReaderStream : Stream
{
    private readonly TextReader _reader;
    private readonly bool _leaveOpen;
    private readonly char[] _chars = new char[16 * 1024];
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private int _charStart;
    private int _charEnd;
    private bool _eof;

    public TextReaderStream(TextReader reader, bool leaveOpen)
    {
        _reader = reader;
        _leaveOpen = leaveOpen;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // A UTF-8 char takes at most 3 bytes (4 for a surrogate pair, i.e. 2 per char): leave room for 3 per char.
        while (true)
        {
            if (_charStart == _charEnd)
            {
                if (_eof)
                {
                    return 0;
                }

                _charStart = 0;
                _charEnd = _reader.Read(_chars, 0, _chars.Length);
                if (_charEnd == 0)
                {
                    _eof = true;
                    var tail = _encoder.GetBytes(ReadOnlySpan<char>.Empty, buffer, flush: true);
                    return tail;
                }
            }

            var take = Math.Min(_charEnd - _charStart, buffer.Length / 3);
            if (take == 0)
            {
                return 0;
            }

            var n = _encoder.GetBytes(_chars.AsSpan(_charStart, take), buffer, flush: false);
            _charStart += take;
            if (n > 0)
            {
                return n;
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
