namespace PortVeil.Sensors.Nflog;

/// <summary>A snapshot of what an <see cref="NflogSource"/> has seen since it was opened.</summary>
/// <param name="Messages">Netlink messages received (packets, batch ends, errors).</param>
/// <param name="Packets">Packets decoded and offered to the channel.</param>
/// <param name="Overruns">recv(2) failures with ENOBUFS: the socket buffer was full and the kernel dropped log messages.</param>
/// <param name="Dropped">Decoded packets thrown away because the consumer's channel was full.</param>
/// <param name="ParseErrors">Bad or unexpected netlink messages (see <see cref="NflogSource.Errors"/>).</param>
public readonly record struct NflogCounters(long Messages, long Packets, long Overruns, long Dropped, long ParseErrors);
