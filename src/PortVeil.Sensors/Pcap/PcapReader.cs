using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.IO;

namespace PortVeil.Sensors.Pcap;

/// <summary>
/// Streams a classic libpcap file into <see cref="PacketEvent"/>s: both byte orders, microsecond and nanosecond
/// timestamps, every <see cref="LinkType"/>. One buffer, refilled by large reads; records are framed in place.
/// </summary>
/// <remarks>
/// Format (tcpdump.org/manpages/pcap-savefile.5.html), in the writer's byte order:
/// <code>
/// file header (24): magic 4 | major 2 | minor 2 | thiszone 4 | sigfigs 4 | snaplen 4 | linktype 4
///   magic a1b2c3d4 = microseconds, a1b23c4d = nanoseconds; read swapped (d4c3b2a1, 4d3cb2a1) = other byte order
/// record header (16): ts_sec 4 | ts_usec-or-nsec 4 | incl_len 4 | orig_len 4, then incl_len bytes of frame
/// </code>
/// Errors carry the file name, the record number (0 = file header) and the byte offset of the record header.
/// A bad frame or IP header skips one record; a broken record header (incl_len over 256 KiB) or a truncated
/// file ends the stream, since nothing after it can be framed reliably.
/// </remarks>
public sealed class PcapReader : IOfflinePacketSource
{
    /// <summary>libpcap's own ceiling for one record (MAXIMUM_SNAPLEN, 262144).</summary>
    public const int MaxRecordLength = 256 * 1024;

    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    // 1 MiB reads: the 9.4 MB corpus file takes 10 reads; larger buffers measured no faster.
    private const int MaxBufferLength = 1024 * 1024;

    private readonly StreamWindow _window;
    private readonly long _totalBytes;
    private readonly bool _bigEndian;
    private readonly long _fractionToNs;
    private bool _done;
    private long _records;
    private long _packets;
    private long _skipped;

    /// <summary>Opens <paramref name="path"/> for reading; errors name it as given.</summary>
    public PcapReader(string path, ParseErrorLog? errors = null)
        : this(InputFile.OpenRead(path), path, leaveOpen: false, errors)
    {
    }

    /// <summary>Reads a pcap stream; <paramref name="name"/> names it in errors.</summary>
    public PcapReader(Stream stream, string name, bool leaveOpen = false, ParseErrorLog? errors = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Errors = errors ?? new ParseErrorLog();
        _totalBytes = stream.CanSeek ? stream.Length - stream.Position : -1;
        var initial = _totalBytes >= 0 ? (int)Math.Clamp(_totalBytes, 4096, MaxBufferLength) : MaxBufferLength;
        _window = new StreamWindow(stream, leaveOpen, initial, MaxRecordLength + RecordHeaderLength + MaxBufferLength);

        if (!_window.Ensure(FileHeaderLength))
        {
            Fatal(0, 0, _window.Available == 0
                ? "empty file: no pcap file header (24 bytes expected)"
                : $"truncated file header: {_window.Available} of 24 bytes, no records");
            return;
        }

        var header = _window.Span;
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        switch (magic)
        {
            case 0xA1B2C3D4:
                _fractionToNs = 1000;
                break;
            case 0xA1B23C4D:
                _fractionToNs = 1;
                break;
            case 0xD4C3B2A1:
                _bigEndian = true;
                _fractionToNs = 1000;
                break;
            case 0x4D3CB2A1:
                _bigEndian = true;
                _fractionToNs = 1;
                break;
            default:
                Fatal(0, 0, DescribeWrongMagic(header));
                return;
        }

        BigEndian = _bigEndian;
        NanosecondResolution = _fractionToNs == 1;
        SnapLength = (int)Math.Min(ReadUInt32(header[16..]), int.MaxValue);

        // The upper bits of the link type field carry FCS information (pcap-savefile(5)); the type is the low 16.
        LinkType = (LinkType)(ReadUInt32(header[20..]) & 0xFFFF);
        _window.Advance(FileHeaderLength);
        if (!LinkLayer.IsSupported(LinkType))
        {
            Fatal(0, 20, $"unknown link type {(uint)LinkType}: PortVeil reads Ethernet (1), raw IP (101, 12, 14, 228, 229), Linux cooked (113, 276), NFLOG (239) and loopback (0, 108); the file cannot be analysed");
        }
    }

    public string Name { get; }

    public CaptureFormat Format => CaptureFormat.Pcap;

    public ParseErrorLog Errors { get; }

    public LinkType LinkType { get; }

    public int SnapLength { get; }

    public bool BigEndian { get; }

    public bool NanosecondResolution { get; }

    public long Records => _records;

    public long Packets => _packets;

    public long Skipped => _skipped;

    public long BytesRead => _window.Position;

    public long TotalBytes => _totalBytes;

    public bool Failed { get; private set; }

    public bool TryRead(out PacketEvent packet)
    {
        packet = default;
        while (!_done)
        {
            if (!_window.Ensure(RecordHeaderLength))
            {
                EndOfFile();
                break;
            }

            var recordOffset = _window.Position;
            var header = _window.Span;
            var seconds = ReadUInt32(header);
            var fraction = ReadUInt32(header[4..]);
            var included = ReadUInt32(header[8..]);
            _records++;
            if (included > MaxRecordLength)
            {
                HugeRecord(recordOffset, included);
                break;
            }

            var recordLength = RecordHeaderLength + (int)included;
            if (!_window.Ensure(recordLength))
            {
                TruncatedRecord(recordOffset, included);
                break;
            }

            var frame = _window.Span.Slice(RecordHeaderLength, (int)included);
            _window.Advance(recordLength);
            if (included > (uint)SnapLength && SnapLength > 0)
            {
                AddError(recordOffset, "record longer than the file's snaplen: skipped");
                continue;
            }

            var link = LinkLayer.TryGetIpPacket(LinkType, frame, !_bigEndian, out var ip, out var linkError);
            if (link != LinkDecodeResult.Ip)
            {
                if (link == LinkDecodeResult.NonIp)
                {
                    _skipped++;
                }
                else
                {
                    AddError(recordOffset, linkError ?? "bad link-layer frame");
                }

                continue;
            }

            packet.TimestampNs = (seconds * 1_000_000_000L) + (fraction * _fractionToNs);
            if (!IpPacketDecoder.TryDecode(ip, ref packet, out var ipError))
            {
                AddError(recordOffset, ipError ?? "bad IP packet");
                continue;
            }

            _packets++;
            return true;
        }

        packet = default;
        return false;
    }

    public void Dispose() => _window.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ReadUInt32(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);


    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddError(long offset, string message) => Errors.Add(new ParseError(Name, _records, offset, message));

    /// <summary>Ends the stream with an error; <paramref name="failed"/> when bytes are left that could not be read.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fatal(long record, long offset, string message, bool failed = true)
    {
        Errors.Add(new ParseError(Name, record, offset, message));
        Failed |= failed;
        _done = true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EndOfFile()
    {
        _done = true;
        var left = _window.Available;
        if (left > 0)
        {
            _records++;
            Fatal(_records, _window.Position, $"truncated record header: the file ends {left} bytes into a 16-byte record header", failed: false);
            _window.Advance(left);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void HugeRecord(long offset, uint included) =>
        Fatal(_records, offset, $"record header claims {included} captured bytes (more than {MaxRecordLength}, libpcap's limit; snaplen is {SnapLength}): framing lost, reading stops");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TruncatedRecord(long offset, uint included)
    {
        var present = Math.Max(0, _window.Available - RecordHeaderLength);
        Fatal(_records, offset, $"truncated record: its header says {included} bytes, the file ends after {present}", failed: false);
        _window.Advance(_window.Available);
    }

    internal static string DescribeWrongMagic(ReadOnlySpan<byte> header)
    {
        var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        var hint = MagicSniffer.Sniff(header) switch
        {
            CaptureFormat.PcapNg => " It looks like pcapng (block type 0a0d0d0a): read it with PcapNgReader or CaptureFile.Open.",
            CaptureFormat.KernelLog => " It looks like text (a log file?): read kernel LOG lines with KernelLogReader or CaptureFile.Open.",
            _ => header.Length >= 2 && header[0] == 0x1F && header[1] == 0x8B ? " It looks gzip-compressed: decompress it first." : "",
        };
        return $"not a pcap file: magic bytes {magic:x8}, expected a1b2c3d4 (microseconds) or a1b23c4d (nanoseconds) in either byte order.{hint}";
    }
}
