using PortVeil.Core;
using PortVeil.Detection;
using PortVeil.Sensors;

namespace PortVeil.Cli.Analysis;

/// <summary>
/// Offline analysis: one capture or kernel log through the same detection engine the daemon runs, with the
/// clock taken from packet time. Each file gets its own engine, since separate captures need not share a timeline.
/// </summary>
internal sealed class CaptureAnalyzer
{
    private readonly IReadOnlyList<PortSpec> _served;
    private readonly IReadOnlyList<NetAddress> _local;
    private readonly Func<DetectionOptions> _options;

    public CaptureAnalyzer(IReadOnlyList<PortSpec> served, IReadOnlyList<NetAddress> local, Func<DetectionOptions>? options = null)
    {
        _served = served;
        _local = local;
        _options = options ?? (() => new DetectionOptions());
    }

    /// <summary>Analyses one file; never throws for bad content, which is reported in the result.</summary>
    /// <param name="progress">Called now and then with (bytes read, total bytes) when the reader knows them.</param>
    public FileAnalysis Analyze(string path, Action<long, long>? progress = null)
    {
        IOfflinePacketSource source;
        try
        {
            source = CaptureFile.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException)
        {
            return new FileAnalysis { File = path, FatalError = Describe(path, e) };
        }

        using (source)
        {
            var collector = new VerdictCollector();
            var engine = new DetectionEngine(_options(), collector);
            var served = _served;
            IReadOnlyList<PortSpec>? inferred = null;
            if (served.Count == 0 && source.Format == CaptureFormat.KernelLog)
            {
                // A kernel log has no replies to learn open ports from: guess them (see ServedPortInference).
                inferred = ServedPortInference.FromKernelLog(path);
                served = inferred;
            }

            foreach (var spec in served)
            {
                for (var p = (int)spec.First; p <= spec.Last; p++)
                {
                    engine.Served.Mark(spec.Protocol, (ushort)p);
                }
            }

            var direction = new DirectionClassifier(_local);
            long packets = 0, first = 0, last = 0;
            string? fatal = null;
            try
            {
                while (source.TryRead(out var packet))
                {
                    packets++;
                    if (first == 0)
                    {
                        first = packet.TimestampNs;
                    }

                    last = Math.Max(last, packet.TimestampNs);
                    direction.Classify(ref packet);
                    collector.Observe(in packet);
                    engine.Process(in packet);
                    if (progress is not null && (packets & 0x3FFF) == 0)
                    {
                        progress(source.BytesRead, source.TotalBytes);
                    }
                }
            }
            catch (IOException e)
            {
                fatal = Describe(path, e);
            }

            engine.Flush(last);
            progress?.Invoke(source.TotalBytes, source.TotalBytes);
            return new FileAnalysis
            {
                File = path,
                FatalError = fatal,
                Packets = packets,
                Errors = source.Errors,
                Scanners = collector.Build(path, (proto, port) => engine.Served.IsServed(proto, port)),
                LocalAddresses = direction.LocalAddresses,
                InferredServed = inferred,
                FirstNs = first,
                LastNs = last,
            };
        }
    }

    private static string Describe(string path, Exception e) => e switch
    {
        FileNotFoundException => $"{path}: no such file",
        DirectoryNotFoundException => $"{path}: no such directory",
        UnauthorizedAccessException => $"{path}: permission denied (run as a user who can read it, or copy it somewhere readable)",
        _ => $"{path}: {e.Message}",
    };
}
