using PortVeil.Daemon.Options.Types;
using PortVeil.Sensors.Nflog;

namespace PortVeil.Daemon.Options;

internal static partial class ConfigCatalog
{
    private static ConfigSection Sensor()
    {
        const string S = "sensor";
        return new ConfigSection(S, "How connection attempts reach PortVeil: the kernel's NFLOG over netlink.",
        [
            ConfigKey.Create(S, "nflog_group", new IntegerType(0, 65535),
                "NFLOG group shared by PortVeil's nftables rules and its sensor; change it only if another program (ulogd) already uses it.",
                c => c.Sensor.Groups[0], (c, v) =>
                {
                    c.Sensor = c.Sensor with { Groups = [(ushort)v] };
                    c.Enforcement = c.Enforcement with { Ruleset = c.Enforcement.Ruleset with { NflogGroup = (ushort)v } };
                }, nameof(NflogOptions.Groups), "NflogGroup"),
            ConfigKey.Create(S, "receive_buffer_bytes", new IntegerType(64 * 1024, 1L << 30, "bytes"),
                "Socket buffer for bursts while the reader is busy; overruns (counted, reported) mean it is too small.",
                c => c.Sensor.ReceiveBufferSize, (c, v) => c.Sensor = c.Sensor with { ReceiveBufferSize = (int)v }, nameof(NflogOptions.ReceiveBufferSize)),
            ConfigKey.Create(S, "queue_capacity", new IntegerType(16, 1 << 24, "events"),
                "Events waiting for the detection engine; beyond this they are dropped and counted.",
                c => c.Sensor.ChannelCapacity, (c, v) => c.Sensor = c.Sensor with { ChannelCapacity = (int)v }, nameof(NflogOptions.ChannelCapacity)),
            ConfigKey.Create(S, "batch_packets", new IntegerType(1, 1024, "packets"),
                "Logged packets the kernel collects before delivering them. 1 delivers each at once (median ban 0.15 ms after the deciding packet); 32 costs the kernel less per packet under floods but holds a lone probe up to batch_timeout (median ban ~10 ms). See docs/nflog.md.",
                c => c.Sensor.QueueThreshold, (c, v) => c.Sensor = c.Sensor with { QueueThreshold = (int)v }, nameof(NflogOptions.QueueThreshold)),
            ConfigKey.Create(S, "batch_timeout", new DurationType(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10)),
                "Longest the kernel holds a part-filled batch (10 ms steps, rounded up); only matters when batch_packets > 1.",
                c => TimeSpan.FromMilliseconds(c.Sensor.FlushTimeoutCentiseconds * 10),
                (c, v) => c.Sensor = c.Sensor with { FlushTimeoutCentiseconds = (int)Math.Ceiling(v.TotalMilliseconds / 10) }, nameof(NflogOptions.FlushTimeoutCentiseconds)),
            ConfigKey.Create(S, "realtime_priority", new IntegerType(0, 99),
                "SCHED_FIFO priority (1-99) for the NFLOG reader and detection threads, so bans stay sub-millisecond on a busy host (p99 0.8-0.9 ms against 7-10 ms at load 20 on 2 cores). A thread that is saturated (on a CPU over half of a second, or its queue a quarter full) drops to normal scheduling until 3 quiet seconds, so a flood cannot starve the host. Needs CAP_SYS_NICE (the packaged unit grants it); without it the daemon says so once and runs normally. 0 keeps normal scheduling. See docs/nflog.md.",
                c => c.Sensor.RealtimePriority, (c, v) => c.Sensor = c.Sensor with { RealtimePriority = (int)v }, nameof(NflogOptions.RealtimePriority)),
        ], c => Throwing(c.Sensor.Validate));
    }
}
