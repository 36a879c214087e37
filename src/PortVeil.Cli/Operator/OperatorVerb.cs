using System.CommandLine;
using PortVeil.Enforcement.Nftables;
using PortVeil.Storage;

namespace PortVeil.Cli.Operator;

/// <summary>
/// Runs an operator verb inside an <see cref="OperatorSession"/>: a failure of the database or the kernel, or a
/// file that cannot be read, becomes one clear line on stderr and a non-zero exit code, never a stack trace.
/// </summary>
internal static class OperatorVerb
{
    public static void SetAction(Command command, OperatorOptions options, bool readOnly, Func<OperatorSession, ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var session = OperatorSession.Open(parse, options, readOnly, out var exit);
            if (session is null)
            {
                return exit;
            }

            return await GuardAsync(parse.InvocationConfiguration.Error, () => action(session, parse, cancellationToken));
        });
    }

    /// <summary>Runs <paramref name="action"/>; a failure becomes one line on <paramref name="error"/> and exit 1.</summary>
    public static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (Exception e) when (e is StorageException or NftException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await error.WriteLineAsync($"portveil: {e.Message}");
            return ExitCodes.Failed;
        }
#pragma warning disable CA1031 // An operator gets one line and an exit code, never a stack trace; the type names the bug.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await error.WriteLineAsync($"portveil: unexpected {e.GetType().Name}: {e.Message} (please report this as a bug)");
            return ExitCodes.Failed;
        }
#pragma warning restore CA1031
    }

    /// <summary>Parses an address or CIDR block argument, or writes why not.</summary>
    public static bool TryTarget(string? text, TextWriter error, out Enforcement.Allowlist.NetPrefix prefix)
    {
        if (text is not null && Enforcement.Allowlist.NetPrefix.TryParse(text, out prefix))
        {
            return true;
        }

        error.WriteLine($"portveil: '{text}' is not an IPv4 or IPv6 address or CIDR block (examples: 203.0.113.7, 2001:db8::/64).");
        prefix = default;
        return false;
    }
}
