using System.Diagnostics;

namespace PortVeil.TestSupport;

/// <summary>The result of a finished process.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public ProcessResult EnsureSuccess(string what) =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed with exit code {ExitCode}: {StdErr}{StdOut}");
}

/// <summary>
/// Runs a program with an argument list (never through a shell, so nothing is ever spliced into a command line),
/// bounded by a timeout; on timeout the process tree it started is killed.
/// </summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }

        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TestTimeouts.Command))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout ?? TestTimeouts.Command}");
        }

        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static ProcessResult Run(string fileName, params string[] arguments) => Run(fileName, arguments, null);

    /// <summary>Starts a long-running process (a listener, a scanner); the caller disposes it, which kills it by PID.</summary>
    public static StartedProcess Start(string fileName, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        return new StartedProcess(Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}"));
    }
}

/// <summary>A process this test started; disposing kills exactly it (and its children) by PID.</summary>
public sealed class StartedProcess : IDisposable
{
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    internal StartedProcess(Process process)
    {
        Process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public Process Process { get; }

    public bool WaitForExit(TimeSpan timeout) => Process.WaitForExit(timeout);

    public string StdOut => Process.HasExited ? _stdout.Result : "";

    public string StdErr => Process.HasExited ? _stderr.Result : "";

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        Process.Dispose();
    }
}
