using System.CommandLine;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>Runs the real `portveil` command tree in-process with captured output, as the executable would.</summary>
public static class CliRunner
{
    public static (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
