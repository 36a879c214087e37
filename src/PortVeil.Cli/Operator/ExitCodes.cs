using PortVeil.Daemon.Operations;

namespace PortVeil.Cli.Operator;

/// <summary>Exit codes of the operator verbs (bans, allow, incidents, explain), documented in docs/cli.md.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The database or the kernel failed (the message says what was and was not done).</summary>
    public const int Failed = 1;

    /// <summary>A wrong argument: not an address, a bad duration, a block the kernel cannot hold.</summary>
    public const int Invalid = 2;

    /// <summary>Nothing to act on: not banned, not on the allowlist, no record of the address.</summary>
    public const int NotFound = 3;

    /// <summary>Refused on purpose: the target is allowlisted, or the request would switch protection off.</summary>
    public const int Refused = 4;

    /// <summary>The configuration file has errors (EX_CONFIG, as `portveil run`).</summary>
    public const int Config = 78;

    public static int Of(OperatorStatus status) => status switch
    {
        OperatorStatus.Done => Ok,
        OperatorStatus.NotFound => NotFound,
        OperatorStatus.Refused => Refused,
        OperatorStatus.Invalid => Invalid,
        _ => Failed,
    };
}
