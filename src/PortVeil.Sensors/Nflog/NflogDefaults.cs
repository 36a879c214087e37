namespace PortVeil.Sensors.Nflog;

/// <summary>Defaults of <see cref="NflogOptions"/>, with the reasons behind them.</summary>
public static class NflogDefaults
{
    /// <summary>NFLOG group of `table inet portveil`: 0x5056, "PV" in ASCII, far from ulogd's usual 0-1.</summary>
    public const ushort Group = 0x5056;

    /// <summary>
    /// Bytes of each packet copied to us: 128 covers an IPv6 header (40) with a hop-by-hop header (8+), a TCP header
    /// with all SYN options (60), and an IPv4 header with options (60) + TCP (60) = 120.
    /// </summary>
    public const int CopyRange = 128;

    /// <summary>
    /// Kernel batch buffer (nlbufsiz). One logged packet costs ~230 bytes of netlink message at copy range 128, so
    /// 16 KiB holds a full <see cref="QueueThreshold"/> batch with room to spare; the kernel allows 4-128 KiB.
    /// </summary>
    public const int KernelBufferSize = 16 * 1024;

    /// <summary>
    /// Packets the kernel collects before sending a batch: 1, every logged packet at once. Measured (docs/nflog.md,
    /// docs/benchmarks.md): a batch of 32 holds a lone probe until the 10 ms flush timer, so a ban takes ~12 ms
    /// instead of ~0.5 ms; in return it halves the kernel's cost per logged packet under a flood (an hping3 flood
    /// got 97-101 k logged packets/s through with 32 and 55-77 k/s with 1 on 2 shared cores; 0 overruns either
    /// way). Scans are what PortVeil is for, so latency wins; `sensor.batch_packets` trades it back.
    /// </summary>
    public const int QueueThreshold = 1;

    /// <summary>
    /// How long the kernel holds a part-filled batch, in its unit of 10 ms: one unit bounds the added latency of
    /// a lone probe to 10 ms; a quiet host gets one datagram per probe.
    /// </summary>
    public const int FlushTimeoutCentiseconds = 1;

    /// <summary>
    /// Socket receive buffer asked for with SO_RCVBUFFORCE (the kernel doubles it): 8 MiB holds ~2 000 full
    /// 16 KiB batches, about 60 000 packets, while the reader is descheduled.
    /// </summary>
    public const int ReceiveBufferSize = 8 * 1024 * 1024;

    /// <summary>Events waiting for the consumer; beyond this they are dropped and counted (~100 bytes each, 1.6 MB).</summary>
    public const int ChannelCapacity = 16 * 1024;

    /// <summary>
    /// SCHED_FIFO priority of the reader and detection threads: low among real-time priorities (the kernel's own
    /// threads use 50 and above), above every normal process. Measured on 2 busy cores (`ban-path-latency`): ban
    /// p99 0.3-1.0 ms with it, 1.2-10 ms without. Demoted while saturated (<see cref="RealtimeGovernor"/>).
    /// </summary>
    public const int RealtimePriority = 10;
}
