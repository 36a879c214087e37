using System.Diagnostics;
using System.Globalization;
using PortVeil.Sensors.Pcap;
using PortVeil.TestSupport;

namespace PortVeil.Benchmarks.Sensors;

/// <summary>
/// Reads a capture with <see cref="PcapReader"/> and with `tcpdump -r FILE -w /dev/null`, alternating, in one run,
/// and prints both medians and their ratio (goal: PortVeil at least 0.5× tcpdump's speed). tcpdump's time
/// includes its process start (~2 ms here), which is part of what a user waits for too.
/// </summary>
internal static class PcapVsTcpdump
{
    public static int Run(string[] args)
    {
        var path = args.Length > 1 ? args[1] : RepoPaths.CorpusFile("s10_nmap_syn_allports.pcap");
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 21;
        var ours = new List<double>();
        var theirs = new List<double>();
        long events = 0;

        // Warm-up: JIT tiers up and the file is in the page cache for both readers.
        for (var i = 0; i < 5; i++)
        {
            events = ReadWithPortVeil(path);
        }

        for (var i = 0; i < rounds; i++)
        {
            var sw = Stopwatch.StartNew();
            ReadWithPortVeil(path);
            ours.Add(sw.Elapsed.TotalMilliseconds);

            sw.Restart();
            if (!ReadWithTcpdump(path))
            {
                Console.Error.WriteLine("tcpdump failed or is not installed");
                return 2;
            }

            theirs.Add(sw.Elapsed.TotalMilliseconds);
        }

        var oursMedian = Median(ours);
        var theirsMedian = Median(theirs);
        var bytes = new FileInfo(path).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file {path} ({bytes / 1e6:F1} MB, {events} IP packet events), {rounds} alternating rounds"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PortVeil PcapReader   median {oursMedian,8:F2} ms  ({events / (oursMedian / 1000) / 1e6:F1} M events/s, {bytes / (oursMedian / 1000) / 1e6:F0} MB/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tcpdump -r -w /dev/null median {theirsMedian,8:F2} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speed ratio PortVeil/tcpdump = {theirsMedian / oursMedian:F2} (goal >= 0.5)"));
        return 0;
    }

    private static long ReadWithPortVeil(string path)
    {
        using var reader = new PcapReader(path);
        long n = 0;
        while (reader.TryRead(out _))
        {
            n++;
        }

        return n;
    }

    private static bool ReadWithTcpdump(string path)
    {
        var info = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-r", path, "-w", "/dev/null" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info);
        if (process is null)
        {
            return false;
        }

        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            return false;
        }

        return process.ExitCode == 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
