namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Where a ban's time goes, per ban made, as wall-clock (CLOCK_REALTIME) stamps in ns since the epoch:
/// the deciding packet's NFLOG timestamp (taken by the kernel in the prerouting hook) → the sensor's receipt of
/// the datagram → the engine's verdict on the detection thread → the policy's decision → the kernel's ACK of the
/// `add element` transaction.
/// </summary>
public sealed class BanPathTimings
{
    /// <summary>Deciding packet → element in the kernel set (the issue-4 goal: p99 ≤ 1 ms).</summary>
    public LatencyRecorder Total { get; } = new();

    /// <summary>Deciding packet → the sensor's recv(2) of its datagram: NFLOG batching and the reader's wake-up.</summary>
    /// <remarks>Read from the sensor's latest receipt, so exact only while one datagram is in flight (a paced
    /// probe, as in `ban-path-latency`); samples where that receipt precedes the packet are left out.</remarks>
    public LatencyRecorder KernelToSensor { get; } = new();

    /// <summary>Sensor receipt → verdict: the hand-off to the detection thread and the engine.</summary>
    public LatencyRecorder SensorToVerdict { get; } = new();

    /// <summary>Deciding packet → verdict, whole (both of the above).</summary>
    public LatencyRecorder PacketToVerdict { get; } = new();

    /// <summary>The policy's decision.</summary>
    public LatencyRecorder Decide { get; } = new();

    /// <summary>The libnftables transaction, call to kernel ACK.</summary>
    public LatencyRecorder Kernel { get; } = new();

    internal void Record(long packetNs, long sensorNs, long verdictNs, long decidedNs, long doneNs)
    {
        Total.Record(doneNs - packetNs);
        PacketToVerdict.Record(verdictNs - packetNs);
        if (sensorNs >= packetNs && sensorNs <= verdictNs)
        {
            KernelToSensor.Record(sensorNs - packetNs);
            SensorToVerdict.Record(verdictNs - sensorNs);
        }

        Decide.Record(decidedNs - verdictNs);
        Kernel.Record(doneNs - decidedNs);
    }
}
