using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PortVeil.Core;
using PortVeil.Sensors.KernelLog;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Sensors;

/// <summary>
/// Kernel LOG lines: the line parser alone over lines held in memory (budget: 0 bytes per line), and the reader
/// over a corpus file (one 256 KiB buffer per file).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class KernelLogParserBenchmarks
{
    private static readonly string S03Log = RepoPaths.CorpusFile("s03_nmap_fin_klog.log");
    private static readonly KernelLogOptions Options = new() { Year = 2026, TimeZone = TimeZoneInfo.Utc };
    private byte[][] _lines = [];
    private KernelLogLineParser _parser = null!;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new EventsPerSecondColumn(_ => File.ReadAllLines(S03Log).Length));
    }

    [GlobalSetup]
    public void Setup()
    {
        _lines = File.ReadAllLines(S03Log).Select(System.Text.Encoding.ASCII.GetBytes).ToArray();
        _parser = new KernelLogLineParser(Options);
    }

    [Benchmark]
    public long Parse_s03_lines()
    {
        long sum = 0;
        var packet = default(PacketEvent);
        foreach (var line in _lines)
        {
            if (_parser.TryParse(line, ref packet, out _))
            {
                sum += packet.DestinationPort;
            }
        }

        return sum;
    }

    [Benchmark]
    public long Read_s03_log_file()
    {
        using var reader = new KernelLogReader(S03Log, Options);
        long sum = 0;
        while (reader.TryRead(out var packet))
        {
            sum += packet.DestinationPort;
        }

        return sum;
    }
}
