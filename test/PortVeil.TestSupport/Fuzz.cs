using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using CsCheck;

namespace PortVeil.TestSupport;

/// <summary>
/// Runs a CsCheck fuzz property in one of two modes. By default each property runs its short iteration count, so a
/// parser's fuzzing costs a few seconds of the test suite. With <c>PORTVEIL_FUZZ_SECONDS=N</c> every property runs
/// for N seconds instead (the long run documented in docs/benchmarks.md), and with <c>PORTVEIL_FUZZ_LOG=path</c> each
/// property appends "name, iterations, seconds" to that file. A failure throws CsCheck's exception, whose message
/// carries the seed; <c>PORTVEIL_FUZZ_SEED=seed</c> replays it.
/// </summary>
public static class Fuzz
{
    public const string SecondsVariable = "PORTVEIL_FUZZ_SECONDS";
    public const string SeedVariable = "PORTVEIL_FUZZ_SEED";
    public const string LogVariable = "PORTVEIL_FUZZ_LOG";

    private static readonly Lock LogLock = new();

    /// <summary>Seconds per property in the long run; 0 in the short run.</summary>
    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;

    public static void Run<T>(Gen<T> gen, Action<T> assert, long iterations,
        [CallerFilePath] string file = "", [CallerMemberName] string name = "")
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(assert);
        var seconds = Seconds;
        var count = 0L;
        var started = Stopwatch.GetTimestamp();
        gen.Sample(t =>
            {
                count++;
                assert(t);
            },
            seed: Environment.GetEnvironmentVariable(SeedVariable),
            iter: seconds > 0 ? -1 : iterations,
            time: seconds > 0 ? seconds : -1,
            threads: 1);
        Record(Path.GetFileNameWithoutExtension(file) + "." + name, count, Stopwatch.GetElapsedTime(started));
    }

    public static void Run<T1, T2>(Gen<(T1, T2)> gen, Action<T1, T2> assert, long iterations,
        [CallerFilePath] string file = "", [CallerMemberName] string name = "") =>
        Run(gen, t => assert(t.Item1, t.Item2), iterations, file, name);

    public static void Run<T1, T2, T3>(Gen<(T1, T2, T3)> gen, Action<T1, T2, T3> assert, long iterations,
        [CallerFilePath] string file = "", [CallerMemberName] string name = "") =>
        Run(gen, t => assert(t.Item1, t.Item2, t.Item3), iterations, file, name);

    public static void Run<T1, T2, T3, T4>(Gen<(T1, T2, T3, T4)> gen, Action<T1, T2, T3, T4> assert, long iterations,
        [CallerFilePath] string file = "", [CallerMemberName] string name = "") =>
        Run(gen, t => assert(t.Item1, t.Item2, t.Item3, t.Item4), iterations, file, name);

    private static void Record(string property, long iterations, TimeSpan elapsed)
    {
        var log = Environment.GetEnvironmentVariable(LogVariable);
        if (string.IsNullOrEmpty(log))
        {
            return;
        }

        lock (LogLock)
        {
            File.AppendAllText(log, string.Create(CultureInfo.InvariantCulture, $"{property}\t{iterations}\t{elapsed.TotalSeconds:F1}\n"));
        }
    }
}
