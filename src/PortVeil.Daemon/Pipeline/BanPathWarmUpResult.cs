namespace PortVeil.Daemon.Pipeline;

/// <summary>What the ban path's warm-up at start did (<see cref="BanPathWarmUp"/>).</summary>
/// <param name="Verdicts">Rehearsal verdicts the engine produced and the policy decided on.</param>
/// <param name="KernelRoundTrips">Rehearsal bans the kernel took into a warm-up set and removed again.</param>
/// <param name="KernelFailures">Rehearsal bans that did not make the round trip (dry-run, allowlisted rehearsal addresses, a refusal).</param>
/// <param name="FirstError">-1 when none failed; else the errno of the first failed round trip (-1 also for "no fast path").</param>
/// <param name="Elapsed">How long the warm-up took.</param>
public sealed record BanPathWarmUpResult(long Verdicts, int KernelRoundTrips, int KernelFailures, int FirstError, TimeSpan Elapsed);
