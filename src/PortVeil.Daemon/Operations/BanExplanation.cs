using PortVeil.Core;
using PortVeil.Enforcement;
using PortVeil.Storage;

namespace PortVeil.Daemon.Operations;

/// <summary>
/// Everything known about why an address is (or was) banned: the stored ban, the incidents with their evidence,
/// the kernel element and the rule that drops it, and <see cref="Account"/>, the plain-language story built from them.
/// </summary>
public sealed record BanExplanation
{
    public required NetAddress Address { get; init; }

    /// <summary>The active ban covering the address (most specific), else its latest past ban; null when never banned.</summary>
    public StoredBan? Ban { get; init; }

    public bool Active { get; init; }

    /// <summary>The incidents that led to the ban (or, without a ban, the address's latest incidents), oldest first.</summary>
    public IReadOnlyList<StoredIncident> Incidents { get; init; } = [];

    /// <summary>The kernel element that bans it now; null when none (or the kernel was not read).</summary>
    public ActiveBan? KernelElement { get; init; }

    public string? KernelSet { get; init; }

    /// <summary>The rule that drops packets from the element's set, as read back from the kernel.</summary>
    public ExplainedRule? DroppingRule { get; init; }

    /// <summary>Hook and priority of the chain holding <see cref="DroppingRule"/>.</summary>
    public ExplainedChain? DroppingChain { get; init; }

    /// <summary>
    /// With first-contact gating on: whether the address is in @known4/@known6, i.e. ever had a retransmitted SYN
    /// accepted. False means every SYN it sent to a served port was dropped, so it learned no open port. Null when
    /// gating is off or the kernel was not read.
    /// </summary>
    public bool? PassedGating { get; init; }

    /// <summary>Why the kernel part is missing (not read, table absent); null when it was read.</summary>
    public string? KernelProblem { get; init; }

    /// <summary>The story, one sentence (or short paragraph) per aspect: ban, packets, ports, detector, fingerprint, exposure, kernel.</summary>
    public IReadOnlyList<string> Account { get; init; } = [];
}
