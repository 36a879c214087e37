namespace PortVeil.Detection.State;

/// <summary>Per-source flags packed in one byte; the low 2 bits hold the key kind + 1 (0 = empty slot).</summary>
[Flags]
internal enum StateBits : byte
{
    None = 0,
    KindMask = 0x03,

    /// <summary>Completed a handshake or reacted to our answer: the address is not spoofed.</summary>
    Verified = 0x04,

    /// <summary>A verdict was emitted; quiet until the entry expires.</summary>
    VerdictEmitted = 0x08,

    /// <summary>We sent this source a SYN/ACK.</summary>
    AnsweredTcp = 0x10,

    /// <summary>The source ACKed our SYN/ACK (connect() completes handshakes).</summary>
    Handshake = 0x20,

    /// <summary>Touched a tripwire port.</summary>
    Tripwire = 0x40,

    /// <summary>
    /// A verdict on a single unverified probe was emitted (evidence policy will not act on); one more verdict may
    /// follow once the source has probed again.
    /// </summary>
    WeakVerdict = 0x80,
}
