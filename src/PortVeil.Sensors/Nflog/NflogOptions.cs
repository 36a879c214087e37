using System.ComponentModel.DataAnnotations;

namespace PortVeil.Sensors.Nflog;

/// <summary>How <see cref="NflogSource"/> binds and tunes its netlink socket. Defaults: <see cref="NflogDefaults"/>.</summary>
public sealed record NflogOptions
{
    /// <summary>NFLOG groups to bind (the `log group N` of the nftables rules).</summary>
    public IReadOnlyList<ushort> Groups { get; init; } = [NflogDefaults.Group];

    /// <summary>Bytes of each packet copied to userspace (NFULNL_COPY_PACKET range): headers only.</summary>
    [Range(40, 65535)]
    public int CopyRange { get; init; } = NflogDefaults.CopyRange;

    /// <summary>Kernel batch buffer size (NFULA_CFG_NLBUFSIZ), 4096-131072 bytes.</summary>
    [Range(4096, 131072)]
    public int KernelBufferSize { get; init; } = NflogDefaults.KernelBufferSize;

    /// <summary>Packets per batch (NFULA_CFG_QTHRESH); 1 sends each packet at once.</summary>
    [Range(1, 1024)]
    public int QueueThreshold { get; init; } = NflogDefaults.QueueThreshold;

    /// <summary>Longest hold of a part-filled batch (NFULA_CFG_TIMEOUT), in 1/100 s.</summary>
    [Range(1, 1000)]
    public int FlushTimeoutCentiseconds { get; init; } = NflogDefaults.FlushTimeoutCentiseconds;

    /// <summary>Socket receive buffer requested (SO_RCVBUFFORCE, else SO_RCVBUF capped by rmem_max).</summary>
    [Range(1024, int.MaxValue / 2)]
    public int ReceiveBufferSize { get; init; } = NflogDefaults.ReceiveBufferSize;

    /// <summary>Capacity of the channel between the reader thread and the consumer.</summary>
    [Range(16, 1 << 24)]
    public int ChannelCapacity { get; init; } = NflogDefaults.ChannelCapacity;

    /// <summary>
    /// SCHED_FIFO priority (1-99) of the reader thread (and the daemon's detection thread) while not saturated; 0
    /// keeps the normal policy (<see cref="RealtimeGovernor"/>).
    /// </summary>
    [Range(0, 99)]
    public int RealtimePriority { get; init; } = NflogDefaults.RealtimePriority;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (Groups.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Groups), "at least one NFLOG group is needed");
        }

        Check(CopyRange, 40, 65535, nameof(CopyRange));
        Check(KernelBufferSize, 4096, 131072, nameof(KernelBufferSize));
        Check(QueueThreshold, 1, 1024, nameof(QueueThreshold));
        Check(FlushTimeoutCentiseconds, 1, 1000, nameof(FlushTimeoutCentiseconds));
        Check(ReceiveBufferSize, 1024, int.MaxValue / 2, nameof(ReceiveBufferSize));
        Check(ChannelCapacity, 16, 1 << 24, nameof(ChannelCapacity));
        Check(RealtimePriority, 0, 99, nameof(RealtimePriority));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}");
        }
    }
}
