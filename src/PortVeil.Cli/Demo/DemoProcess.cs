using System.Diagnostics;

namespace PortVeil.Cli.Demo;

/// <summary>
/// Runs `ip`, `nft` and `nmap` for the demo with an argument list (never a shell string), bounded by a timeout and
/// killed by PID, with its children, when the demo is cancelled (Ctrl+C).
/// </summary>
internal static class DemoProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public Result EnsureSuccess(string what) =>
            ExitCode == 0 ? this : throw new DemoException($"{what} failed (exit {ExitCode}): {StdErr.Trim()}{StdOut.Trim()}");
    }

    public static Result Run(string program, IEnumerable<string> args, TimeSpan timeout, string? stdin = null, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new DemoException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DemoException($"could not start {program}: {e.Message}");
        }

        using (p)
        {
            if (stdin is not null)
            {
                p.StandardInput.Write(stdin);
                p.StandardInput.Close();
            }

            var stdout = p.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = p.StandardError.ReadToEndAsync(CancellationToken.None);
            using var killOnCancel = cancellationToken.Register(() => Kill(p));
            if (!p.WaitForExit(timeout))
            {
                Kill(p);
                throw new DemoException($"{program} did not finish within {timeout.TotalSeconds:0} s");
            }

            p.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            return new Result(p.ExitCode, stdout.Result, stderr.Result);
        }
    }

    public static Result Run(string program, params string[] args) => Run(program, args, TimeSpan.FromSeconds(30));

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
