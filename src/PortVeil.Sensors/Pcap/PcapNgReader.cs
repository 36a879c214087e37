using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using PortVeil.Core;
using PortVeil.Sensors.Decoding;
using PortVeil.Sensors.IO;

namespace PortVeil.Sensors.Pcap;

/// <summary>
/// Streams a pcapng file (draft-ietf-opsawg-pcapng) into <see cref="PacketEvent"/>s: several sections in either
/// byte order, several interfaces each with its own link type, timestamp resolution and offset.
/// </summary>
/// <remarks>
/// <code>
/// every block:   type 4 | total length 4 | body | total length 4        (length counts all, multiple of 4)
/// section (0a0d0d0a): byte-order magic 1a2b3c4d | major 2 | minor 2 | section length 8 | options
/// interface (1): link type 2 | reserved 2 | snaplen 4 | options (if_tsresol 9, if_tsoffset 14)
/// enhanced packet (6): interface 4 | timestamp high 4 | low 4 | captured 4 | original 4 | data (padded) | options
/// simple packet (3): original length 4 | data (captured = min(original, snaplen of interface 0))
/// packet (2, obsolete): interface 2 | drops 2 | timestamp high 4 | low 4 | captured 4 | original 4 | data
/// options: code 2 | length 2 | value padded to 4; code 0 ends the list
/// </code>
/// Other blocks (name resolution, statistics, custom, …) are skipped. Errors name the file, the block number
/// (1-based, counting every block) and the block's byte offset. A bad block whose length field is sane is skipped
/// and reading continues at the next block; a length that cannot be right ends the stream. Simple packet blocks
/// carry no timestamp: they take the previous packet's time so the stream stays ordered.
/// </remarks>
public sealed class PcapNgReader : IOfflinePacketSource
{
    private const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionType = 1;
    private const uint ObsoletePacketType = 2;
    private const uint SimplePacketType = 3;
    private const uint EnhancedPacketType = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    // An enhanced packet block holds at most a 256 KiB packet plus options; anything we parse must fit in this.
    private const int MaxParsedBlockLength = 1024 * 1024;
    private const int BufferLength = 1024 * 1024;

    private readonly StreamWindow _window;
    private readonly long _totalBytes;
    private readonly List<PcapNgInterface> _interfaces = [];
    private bool _bigEndian;
    private bool _inSection;
    private bool _done;
    private long _blocks;
    private long _records;
    private long _packets;
    private long _skipped;
    private long _lastTimestampNs;

    public PcapNgReader(string path, ParseErrorLog? errors = null)
        : this(InputFile.OpenRead(path), path, leaveOpen: false, errors)
    {
    }

    public PcapNgReader(Stream stream, string name, bool leaveOpen = false, ParseErrorLog? errors = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Errors = errors ?? new ParseErrorLog();
        _totalBytes = stream.CanSeek ? stream.Length - stream.Position : -1;
        var initial = _totalBytes >= 0 ? (int)Math.Clamp(_totalBytes, 4096, BufferLength) : BufferLength;
        _window = new StreamWindow(stream, leaveOpen, initial, MaxParsedBlockLength + BufferLength);

        if (!_window.Ensure(4))
        {
            Fatal(0, 0, _window.Available == 0 ? "empty file: no pcapng section header block" : "truncated file: fewer than 4 bytes");
            return;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(_window.Span) != SectionHeaderType)
        {
            Fatal(0, 0, DescribeWrongMagic(_window.Span));
        }
    }

    public string Name { get; }

    public CaptureFormat Format => CaptureFormat.PcapNg;

    public ParseErrorLog Errors { get; }

    /// <summary>Packet blocks (enhanced, simple, obsolete) seen so far.</summary>
    public long Records => _records;

    /// <summary>Blocks of any type seen so far.</summary>
    public long Blocks => _blocks;

    public long Packets => _packets;

    public long Skipped => _skipped;

    public long BytesRead => _window.Position;

    public long TotalBytes => _totalBytes;

    public bool Failed { get; private set; }

    /// <summary>Interfaces of the current section.</summary>
    public int InterfaceCount => _interfaces.Count;

    /// <summary>Link type of interface <paramref name="index"/> in the current section.</summary>
    public LinkType InterfaceLinkType(int index) => _interfaces[index].LinkType;

    public bool TryRead(out PacketEvent packet)
    {
        packet = default;
        while (!_done)
        {
            if (!_window.Ensure(12))
            {
                EndOfFile();
                break;
            }

            var offset = _window.Position;
            var head = _window.Span;
            var type = BinaryPrimitives.ReadUInt32LittleEndian(head);
            _blocks++;
            if (type == SectionHeaderType)
            {
                // The section's byte order decides how its own length is read.
                var bom = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
                if (bom != ByteOrderMagic && BinaryPrimitives.ReverseEndianness(bom) != ByteOrderMagic)
                {
                    BadByteOrderMagic(offset, bom);
                    break;
                }

                _bigEndian = bom != ByteOrderMagic;
            }
            else
            {
                type = ReadUInt32(head);
            }

            var length = ReadUInt32(head[4..]);
            if (length < 12 || (length & 3) != 0)
            {
                InsaneLength(offset, type, length);
                break;
            }

            if (_totalBytes >= 0 && length > _totalBytes - offset)
            {
                TruncatedBlock(offset, length);
                break;
            }

            if (type is not (SectionHeaderType or InterfaceDescriptionType or EnhancedPacketType or SimplePacketType or ObsoletePacketType))
            {
                // Name resolution, interface statistics, custom, decryption secrets, …: not needed.
                if (!_window.Skip(length))
                {
                    TruncatedBlock(offset, length);
                }

                continue;
            }

            if (length > MaxParsedBlockLength)
            {
                AddError(offset, "block longer than 1 MiB: skipped");
                if (!_window.Skip(length))
                {
                    TruncatedBlock(offset, length);
                }

                continue;
            }

            if (!_window.Ensure((int)length))
            {
                TruncatedBlock(offset, length);
                break;
            }

            var block = _window.Span[..(int)length];
            _window.Advance((int)length);
            if (ReadUInt32(block[^4..]) != length)
            {
                AddError(offset, "block's trailing length differs from its leading length: skipped");
                continue;
            }

            var body = block[8..^4];
            switch (type)
            {
                case SectionHeaderType:
                    ReadSectionHeader(body, offset);
                    continue;
                case InterfaceDescriptionType:
                    ReadInterface(body, offset);
                    continue;
                default:
                    break;
            }

            _records++;
            if (!_inSection)
            {
                AddError(offset, "packet block before any section header");
                continue;
            }

            if (TryReadPacketBlock(type, body, offset, ref packet))
            {
                _packets++;
                return true;
            }
        }

        packet = default;
        return false;
    }

    private bool TryReadPacketBlock(uint type, ReadOnlySpan<byte> body, long offset, ref PacketEvent packet)
    {
        int interfaceId;
        ulong timestamp = 0;
        ReadOnlySpan<byte> frame;
        switch (type)
        {
            case EnhancedPacketType:
                {
                    if (body.Length < 20)
                    {
                        AddError(offset, "enhanced packet block shorter than its fixed fields");
                        return false;
                    }

                    var id = ReadUInt32(body);
                    timestamp = ((ulong)ReadUInt32(body[4..]) << 32) | ReadUInt32(body[8..]);
                    var captured = ReadUInt32(body[12..]);
                    if (captured > (uint)(body.Length - 20))
                    {
                        AddError(offset, "enhanced packet block's captured length runs past the block");
                        return false;
                    }

                    interfaceId = id >= int.MaxValue ? int.MaxValue : (int)id;
                    frame = body.Slice(20, (int)captured);
                    break;
                }

            case ObsoletePacketType:
                {
                    if (body.Length < 20)
                    {
                        AddError(offset, "packet block shorter than its fixed fields");
                        return false;
                    }

                    interfaceId = ReadUInt16(body);
                    timestamp = ((ulong)ReadUInt32(body[4..]) << 32) | ReadUInt32(body[8..]);
                    var captured = ReadUInt32(body[12..]);
                    if (captured > (uint)(body.Length - 20))
                    {
                        AddError(offset, "packet block's captured length runs past the block");
                        return false;
                    }

                    frame = body.Slice(20, (int)captured);
                    break;
                }

            default:
                {
                    if (body.Length < 4)
                    {
                        AddError(offset, "simple packet block shorter than its fixed fields");
                        return false;
                    }

                    interfaceId = 0;
                    var original = ReadUInt32(body);
                    var captured = Math.Min(original, (uint)(body.Length - 4));
                    if (_interfaces.Count > 0 && _interfaces[0].SnapLength > 0)
                    {
                        captured = Math.Min(captured, (uint)_interfaces[0].SnapLength);
                    }

                    frame = body.Slice(4, (int)captured);
                    break;
                }
        }

        if ((uint)interfaceId >= (uint)_interfaces.Count)
        {
            AddError(offset, "packet block names an interface that was never described");
            return false;
        }

        var iface = _interfaces[interfaceId];
        if (!iface.Supported)
        {
            // Reported once, when the interface was described.
            _skipped++;
            return false;
        }

        var link = LinkLayer.TryGetIpPacket(iface.LinkType, frame, !_bigEndian, out var ip, out var linkError);
        if (link != LinkDecodeResult.Ip)
        {
            if (link == LinkDecodeResult.NonIp)
            {
                _skipped++;
            }
            else
            {
                AddError(offset, linkError ?? "bad link-layer frame");
            }

            return false;
        }

        packet.TimestampNs = type == SimplePacketType ? _lastTimestampNs : iface.ToNanoseconds(timestamp);
        _lastTimestampNs = packet.TimestampNs;
        if (!IpPacketDecoder.TryDecode(ip, ref packet, out var ipError))
        {
            AddError(offset, ipError ?? "bad IP packet");
            return false;
        }

        return true;
    }

    private void ReadSectionHeader(ReadOnlySpan<byte> body, long offset)
    {
        // body: byte-order magic 4 | major 2 | minor 2 | section length 8 | options
        if (body.Length < 16)
        {
            AddError(offset, "section header block shorter than its fixed fields");
            _inSection = false;
            return;
        }

        if (ReadUInt16(body[4..]) != 1)
        {
            AddError(offset, "section header major version is not 1: section skipped");
            _inSection = false;
            _interfaces.Clear();
            return;
        }

        _interfaces.Clear();
        _inSection = true;
    }

    private void ReadInterface(ReadOnlySpan<byte> body, long offset)
    {
        if (!_inSection)
        {
            AddError(offset, "interface description block outside a readable section");
            return;
        }

        if (body.Length < 8)
        {
            // Keep the numbering of later interfaces; this one's packets are skipped as an unknown link type.
            AddError(offset, "interface description block shorter than its fixed fields");
            PcapNgInterface.TryCreate((LinkType)uint.MaxValue, 0, 6, 0, out var unusable);
            _interfaces.Add(unusable);
            return;
        }

        var linkType = (LinkType)ReadUInt16(body);
        var snapLength = (int)Math.Min(ReadUInt32(body[4..]), int.MaxValue);
        byte resolution = 6;
        long tsOffset = 0;
        var options = body[8..];
        while (options.Length >= 4)
        {
            var code = ReadUInt16(options);
            int optionLength = ReadUInt16(options[2..]);
            if (code == 0)
            {
                break;
            }

            if (4 + optionLength > options.Length)
            {
                AddError(offset, "interface option runs past its block: remaining options ignored");
                break;
            }

            var value = options.Slice(4, optionLength);
            if (code == 9 && optionLength >= 1)
            {
                resolution = value[0];
            }
            else if (code == 14 && optionLength >= 8)
            {
                tsOffset = _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
            }

            options = options[Math.Min(options.Length, 4 + ((optionLength + 3) & ~3))..];
        }

        if (!PcapNgInterface.TryCreate(linkType, snapLength, resolution, tsOffset, out var iface))
        {
            AddError(offset, "interface timestamp resolution (if_tsresol) finer than 64 bits can hold: microseconds assumed");
            PcapNgInterface.TryCreate(linkType, snapLength, 6, tsOffset, out iface);
        }

        if (!iface.Supported)
        {
            UnsupportedInterface(offset, linkType);
        }

        _interfaces.Add(iface);
    }

    public void Dispose() => _window.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ReadUInt32(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ushort ReadUInt16(ReadOnlySpan<byte> bytes) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);


    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddError(long offset, string message) => Errors.Add(new ParseError(Name, _blocks, offset, message));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fatal(long block, long offset, string message, bool failed = true)
    {
        Errors.Add(new ParseError(Name, block, offset, message));
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
            _blocks++;
            Fatal(_blocks, _window.Position, $"truncated block header: the file ends {left} bytes into a block", failed: false);
            _window.Advance(left);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TruncatedBlock(long offset, uint length)
    {
        var present = _totalBytes >= 0 ? _totalBytes - offset : _window.Available;
        Fatal(_blocks, offset, $"truncated block: its header says {length} bytes, the file ends after {present}", failed: false);
        _window.Advance(_window.Available);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void InsaneLength(long offset, uint type, uint length) =>
        Fatal(_blocks, offset, $"block type 0x{type:x8} has length {length} (must be at least 12 and a multiple of 4): framing lost, reading stops");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BadByteOrderMagic(long offset, uint bom) =>
        Fatal(_blocks, offset, $"section header byte-order magic is {bom:x8}, expected 1a2b3c4d in either byte order: framing lost, reading stops");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UnsupportedInterface(long offset, LinkType linkType) =>
        AddError(offset, $"interface {_interfaces.Count} uses unknown link type {(uint)linkType}: its packets are skipped");

    internal static string DescribeWrongMagic(ReadOnlySpan<byte> head)
    {
        var magic = head.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(head) : 0;
        var hint = MagicSniffer.Sniff(head) switch
        {
            CaptureFormat.Pcap => " It looks like a classic pcap file: read it with PcapReader or CaptureFile.Open.",
            CaptureFormat.KernelLog => " It looks like text (a log file?): read kernel LOG lines with KernelLogReader or CaptureFile.Open.",
            _ => "",
        };
        return $"not a pcapng file: first block type {magic:x8}, expected a section header block 0a0d0d0a.{hint}";
    }
}
