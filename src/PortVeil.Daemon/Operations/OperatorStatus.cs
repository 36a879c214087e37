namespace PortVeil.Daemon.Operations;

/// <summary>How an operator action ended; the CLI maps it to an exit code, the HTTP API to a status code.</summary>
public enum OperatorStatus
{
    /// <summary>Done (warnings may still say that a part waits for the daemon).</summary>
    Done = 0,

    /// <summary>Nothing to act on: the target was not banned, the entry was not on the list.</summary>
    NotFound,

    /// <summary>Refused on purpose: the target is allowlisted, or the request would weaken protection by accident.</summary>
    Refused,

    /// <summary>The request itself was wrong (a duration of zero, a block the kernel sets cannot hold).</summary>
    Invalid,

    /// <summary>The kernel or the database failed; the message says what was and was not done.</summary>
    Failed,
}
