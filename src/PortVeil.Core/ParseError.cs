namespace PortVeil.Core;

/// <summary>
/// Bad input described as data: what was wrong and where. Readers count these, report a few, and carry on
/// with the rest of the input.
/// </summary>
/// <param name="Source">File name, or "nflog" for live input.</param>
/// <param name="Record">1-based record number (packet, block or line).</param>
/// <param name="Offset">Byte offset of the record in the file (or message), -1 when unknown.</param>
/// <param name="Message">What was wrong, in words.</param>
public readonly record struct ParseError(string Source, long Record, long Offset, string Message)
{
    public override string ToString() =>
        Offset >= 0 ? $"{Source}: record {Record} at byte {Offset}: {Message}" : $"{Source}: record {Record}: {Message}";
}
