using PortVeil.Daemon.Operations;

namespace PortVeil.Daemon.Api;

/// <summary>What an action did: the same sentence and numbers the CLI prints (<see cref="OperatorResult"/>).</summary>
public sealed record ActionResponse(string Status, string Message, int KernelElements, int BansEnded, IReadOnlyList<string> Warnings)
{
    public static ActionResponse From(OperatorResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new ActionResponse(StatusName(result.Status), result.Message, result.KernelElements, result.BansEnded, result.Warnings);
    }

    /// <summary>The HTTP status of an action's outcome.</summary>
    public static int HttpStatus(OperatorStatus status) => status switch
    {
        OperatorStatus.Done => 200,
        OperatorStatus.NotFound => 404,
        // Refused on purpose (an allowlisted target, an allow of everything): the request was understood.
        OperatorStatus.Refused => 409,
        OperatorStatus.Invalid => 400,
        _ => 500,
    };

    private static string StatusName(OperatorStatus status) => status switch
    {
        OperatorStatus.Done => "done",
        OperatorStatus.NotFound => "not-found",
        OperatorStatus.Refused => "refused",
        OperatorStatus.Invalid => "invalid",
        _ => "failed",
    };
}
