using System.Globalization;

namespace PortVeil.TestSupport;

public sealed partial class NetworkNamespace
{
    /// <summary>
    /// Where each namespace our tests create records its owner: "pid starttime" of the test process. Other
    /// developers' test runs share this machine, so a namespace is only stale when its owner process is gone.
    /// </summary>
    public const string OwnerDirectory = "/run/portveil-tests/netns";

    private static readonly Lock SweepLock = new();
    private static bool _swept;

    private static string OwnerFile(string name) => Path.Combine(OwnerDirectory, name);

    private static void WriteOwner(string name)
    {
        Directory.CreateDirectory(OwnerDirectory);
        File.WriteAllText(OwnerFile(name), $"{Environment.ProcessId} {ProcessStartTime(Environment.ProcessId)}\n");
    }

    private static void DeleteOwner(string name)
    {
        try
        {
            File.Delete(OwnerFile(name));
        }
        catch (IOException)
        {
            // A leftover marker is harmless: the sweep removes it with its namespace.
        }
    }

    /// <summary>
    /// Deletes `pv-*` namespaces left behind by an earlier test run that crashed before its Dispose: those whose
    /// owner marker names a process that no longer exists (or a reused PID with another start time). Namespaces
    /// of running test processes, and namespaces without our marker, are left alone. Returns the names deleted.
    /// </summary>
    public static IReadOnlyList<string> SweepStale()
    {
        var deleted = new List<string>();
        if (!Directory.Exists(OwnerDirectory))
        {
            return deleted;
        }

        foreach (var marker in Directory.GetFiles(OwnerDirectory, "pv-*"))
        {
            var name = Path.GetFileName(marker);
            if (IsOwnerAlive(marker))
            {
                continue;
            }

            if (File.Exists(Path.Combine("/var/run/netns", name)))
            {
                var r = ProcessRunner.Run("ip", "netns", "del", name);
                if (r.ExitCode != 0)
                {
                    Console.Error.WriteLine($"warning: sweeping stale namespace {name}: {r.StdErr}");
                    continue;
                }

                deleted.Add(name);
            }

            DeleteOwner(name);
        }

        return deleted;
    }

    /// <summary>Runs <see cref="SweepStale"/> once per test process (the first lab built does it).</summary>
    public static void SweepStaleOnce()
    {
        lock (SweepLock)
        {
            if (_swept)
            {
                return;
            }

            _swept = true;
        }

        foreach (var name in SweepStale())
        {
            Console.Error.WriteLine($"swept stale test namespace {name}");
        }
    }

    private static bool IsOwnerAlive(string marker)
    {
        string[] parts;
        try
        {
            parts = File.ReadAllText(marker).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (IOException)
        {
            return true;
        }

        if (parts.Length < 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid))
        {
            // Not ours to judge: a marker we cannot read is treated as live.
            return true;
        }

        return ProcessStartTime(pid) is { } start && start == parts[1];
    }

    /// <summary>Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null when there is no such process.</summary>
    private static string? ProcessStartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are plain.
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return rest.Length > 19 ? rest[19] : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
