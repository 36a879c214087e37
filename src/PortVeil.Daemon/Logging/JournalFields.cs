using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace PortVeil.Daemon.Logging;

/// <summary>
/// Builds one datagram of systemd's native journal protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL): "NAME=value\n"
/// per field, or, for a value holding a newline, "NAME\n" + its length as 64-bit little endian + the value + "\n".
/// Field names are upper-case letters, digits and underscores and never start with an underscore (those are the
/// journal's own trusted fields).
/// </summary>
internal sealed class JournalFields
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    public void Add(string name, string? value)
    {
        value ??= "";
        var nameBytes = Encoding.ASCII.GetBytes(name);
        var valueBytes = Encoding.UTF8.GetBytes(value);
        _buffer.Write((ReadOnlySpan<byte>)nameBytes);
        if (value.Contains('\n', StringComparison.Ordinal))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)valueBytes.Length);
            _buffer.Write("\n"u8);
            _buffer.Write((ReadOnlySpan<byte>)length);
        }
        else
        {
            _buffer.Write("="u8);
        }

        _buffer.Write((ReadOnlySpan<byte>)valueBytes);
        _buffer.Write("\n"u8);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>"Target" → "PORTVEIL_TARGET", "DryRun" → "PORTVEIL_DRY_RUN"; characters the journal refuses become '_'.</summary>
    public static string FieldName(string prefix, string property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var sb = new StringBuilder(prefix.Length + property.Length + 4).Append(prefix);
        for (var i = 0; i < property.Length; i++)
        {
            var c = property[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(property[i - 1]) || char.IsDigit(property[i - 1])))
            {
                sb.Append('_');
            }

            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        // journald ignores names longer than 64 characters.
        return sb.Length > 64 ? sb.ToString(0, 64) : sb.ToString();
    }
}
