namespace PortVeil.Daemon.Operations;

/// <summary>What an operator action did, in one sentence a person reads, plus the numbers a script reads.</summary>
public sealed record OperatorResult
{
    public required OperatorStatus Status { get; init; }

    /// <summary>One or two sentences: what was done, or why nothing was, and what to do instead.</summary>
    public required string Message { get; init; }

    /// <summary>True for <see cref="OperatorStatus.Done"/>.</summary>
    public bool Succeeded => Status == OperatorStatus.Done;

    /// <summary>The ban recorded (`BanAsync`).</summary>
    public Guid? BanId { get; init; }

    /// <summary>When the recorded ban ends (`BanAsync`).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Kernel set elements added or removed.</summary>
    public int KernelElements { get; init; }

    /// <summary>Stored bans ended (unban, allow) or replaced (ban).</summary>
    public int BansEnded { get; init; }

    /// <summary>Things done only in part, e.g. the kernel table is absent (no daemon running) so only storage changed.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    internal static OperatorResult Fail(OperatorStatus status, string message) => new() { Status = status, Message = message };
}
