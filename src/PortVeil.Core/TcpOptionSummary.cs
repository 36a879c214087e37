namespace PortVeil.Core;

/// <summary>
/// What a SYN's TCP options said, packed into 16 bytes: MSS, window scale, SACK-permitted, timestamps and the
/// order the options came in (up to 8 kinds, one byte each, first option in the lowest byte).
/// </summary>
/// <remarks>
/// Scanner fingerprints live here: nmap's SYN carries a lone MSS option, masscan and zmap carry none or only MSS,
/// while every modern OS sends MSS, SACK-permitted, timestamps and window scale.
/// </remarks>
public struct TcpOptionSummary : IEquatable<TcpOptionSummary>
{
    /// <summary>Option kinds in wire order, one per byte, lowest byte first.</summary>
    public ulong Order { get; set; }

    /// <summary>How many option kinds are in <see cref="Order"/> (at most 8 are kept).</summary>
    public byte Count { get; set; }

    /// <summary>Maximum segment size, 0 when absent.</summary>
    public ushort Mss { get; set; }

    /// <summary>Window scale shift, <see cref="NoWindowScale"/> when absent.</summary>
    public byte WindowScale { get; set; }

    public bool SackPermitted { get; set; }

    public bool Timestamps { get; set; }

    /// <summary>True when the options could not be parsed (a length that runs past the header).</summary>
    public bool Malformed { get; set; }

    public const byte NoWindowScale = 0xFF;

    public static TcpOptionSummary Empty => new() { WindowScale = NoWindowScale };

    public readonly bool HasWindowScale => WindowScale != NoWindowScale;

    /// <summary>Appends one option kind to <see cref="Order"/>.</summary>
    public void Append(TcpOptionKind kind)
    {
        if (Count < 8)
        {
            Order |= (ulong)kind << (8 * Count);
            Count++;
        }
    }

    public readonly TcpOptionKind KindAt(int index) => (TcpOptionKind)(byte)(Order >> (8 * index));

    /// <summary>Compact text such as "M1460,S,T,N,W7" (p0f style), for evidence and logs.</summary>
    public override readonly string ToString()
    {
        if (Count == 0)
        {
            return Malformed ? "malformed" : "none";
        }

        var parts = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            parts[i] = KindAt(i) switch
            {
                TcpOptionKind.Mss => $"M{Mss}",
                TcpOptionKind.WindowScale => $"W{WindowScale}",
                TcpOptionKind.SackPermitted => "S",
                TcpOptionKind.Timestamps => "T",
                TcpOptionKind.NoOp => "N",
                TcpOptionKind.EndOfList => "E",
                TcpOptionKind.Sack => "K",
                var other => $"?{(byte)other}",
            };
        }

        return string.Join(',', parts) + (Malformed ? ",malformed" : "");
    }

    public readonly bool Equals(TcpOptionSummary other) =>
        Order == other.Order && Count == other.Count && Mss == other.Mss && WindowScale == other.WindowScale &&
        SackPermitted == other.SackPermitted && Timestamps == other.Timestamps && Malformed == other.Malformed;

    public override readonly bool Equals(object? obj) => obj is TcpOptionSummary other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Order, Count, Mss, WindowScale, SackPermitted, Timestamps);

    public static bool operator ==(TcpOptionSummary left, TcpOptionSummary right) => left.Equals(right);

    public static bool operator !=(TcpOptionSummary left, TcpOptionSummary right) => !left.Equals(right);
}
