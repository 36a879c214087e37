using BenchmarkDotNet.Attributes;
using PortVeil.Core;
using PortVeil.Sensors.Nflog;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Nflog;

/// <summary>
/// The reader thread's per-datagram work without the kernel: walking one 32-packet NFLOG batch (the default
/// qthresh) of nmap-like SYNs and decoding each. Budget: 0 bytes allocated.
/// </summary>
[MemoryDiagnoser]
public class NflogParsingBenchmarks
{
    private const int BatchPackets = 32;
    private byte[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        var messages = new List<byte[]>();
        for (var i = 0; i < BatchPackets; i++)
        {
            messages.Add(NflogMessageBuilder.Packet(NflogDefaults.Group, 2,
                NflogMessageBuilder.PacketHeader(0x0800),
                NflogMessageBuilder.InDev(2),
                NflogMessageBuilder.Prefix(NflogPrefixes.Unserved),
                NflogMessageBuilder.Payload(NflogMessageBuilder.Ipv4Syn("198.51.100.7", "203.0.113.10", 40000, (ushort)(1 + i)))));
        }

        messages.Add(NflogMessageBuilder.Done());
        _batch = NflogMessageBuilder.Concat([.. messages]);
    }

    /// <summary>Returns the sum of destination ports so the work cannot be optimised away.</summary>
    [Benchmark(OperationsPerInvoke = BatchPackets)]
    public int ParseBatchOf32()
    {
        var reader = new NflogMessageReader(_batch, 0);
        var packet = default(PacketEvent);
        var sum = 0;
        while (true)
        {
            var kind = reader.Next(ref packet, out _, out _);
            if (kind == NflogRecordKind.End)
            {
                return sum;
            }

            if (kind == NflogRecordKind.Packet)
            {
                sum += packet.DestinationPort;
            }
        }
    }
}
