using System.Buffers;
using System.Net;
using System.Text.Json;
using PortVeil.Core;

namespace PortVeil.Enforcement.Nftables;

/// <summary>
/// Writes element batches (bans, unbans, served ports, allow entries) straight to UTF-8 JSON with
/// <see cref="Utf8JsonWriter"/>: addresses are written from <see cref="NetAddress"/> bits and ports as numbers, so
/// nothing from outside is ever spliced into a command.
/// </summary>
internal sealed class NftElements : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly string _table;

    public NftElements(string table)
    {
        _table = table;
        _writer = new Utf8JsonWriter(_buffer);
        _writer.WriteStartObject();
        _writer.WriteStartArray("nftables");
    }

    public int Commands { get; private set; }

    /// <summary>Starts `{"verb": {"element": {..., "name": set, "elem": [`; close with <see cref="EndElements"/>.</summary>
    public void BeginElements(string verb, string set)
    {
        _writer.WriteStartObject();
        _writer.WriteStartObject(verb);
        _writer.WriteStartObject("element");
        _writer.WriteString("family", "inet");
        _writer.WriteString("table", _table);
        _writer.WriteString("name", set);
        _writer.WriteStartArray("elem");
        Commands++;
    }

    public void EndElements()
    {
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    /// <summary>A bare address value (IPv6 /64 keys are written as their masked network address).</summary>
    public void Address(NetAddress address) => WriteAddress(null, address);

    /// <summary>`{"elem": {"val": address, "timeout": seconds}}`.</summary>
    public void AddressWithTimeout(NetAddress address, long timeoutSeconds)
    {
        _writer.WriteStartObject();
        _writer.WriteStartObject("elem");
        WriteAddress("val", address);
        _writer.WriteNumber("timeout", timeoutSeconds);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    /// <summary>`{"prefix": {"addr": network, "len": bits}}` for interval sets (allow lists).</summary>
    public void Prefix(NetAddress network, int length)
    {
        _writer.WriteStartObject();
        _writer.WriteStartObject("prefix");
        WriteAddress("addr", network);
        _writer.WriteNumber("len", length);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
    }

    /// <summary>`{"concat": ["tcp", 443]}` for the served and tripwire sets.</summary>
    public void ProtocolPort(IpProtocol protocol, ushort port)
    {
        _writer.WriteStartObject();
        _writer.WriteStartArray("concat");
        _writer.WriteNumberValue((byte)protocol);
        _writer.WriteNumberValue(port);
        _writer.WriteEndArray();
        _writer.WriteEndObject();
    }

    /// <summary>`{"flush": {"set": {...}}}`.</summary>
    public void FlushSet(string set)
    {
        _writer.WriteStartObject();
        _writer.WriteStartObject("flush");
        _writer.WriteStartObject("set");
        _writer.WriteString("family", "inet");
        _writer.WriteString("table", _table);
        _writer.WriteString("name", set);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        Commands++;
    }

    /// <summary>Closes the batch and returns its UTF-8 bytes (valid until this object is disposed).</summary>
    public ReadOnlySpan<byte> Complete()
    {
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    public void Dispose() => _writer.Dispose();

    private void WriteAddress(string? property, NetAddress address)
    {
        // Longest IPv6 text is 45 characters; formatting into a stack buffer avoids a string per element.
        Span<char> text = stackalloc char[64];
        int length;
        if (address.IsIPv4)
        {
            length = FormatV4(address.V4, text);
        }
        else
        {
            Span<byte> bytes = stackalloc byte[16];
            address.WriteBytes(bytes);
            new IPAddress(bytes).TryFormat(text, out length);
        }

        if (property is null)
        {
            _writer.WriteStringValue(text[..length]);
        }
        else
        {
            _writer.WriteString(property, text[..length]);
        }
    }

    private static int FormatV4(uint v4, Span<char> text)
    {
        var n = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            ((v4 >> shift) & 0xFF).TryFormat(text[n..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            n += written;
            if (shift > 0)
            {
                text[n++] = '.';
            }
        }

        return n;
    }
}
