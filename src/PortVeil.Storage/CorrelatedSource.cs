using PortVeil.Core;

namespace PortVeil.Storage;

/// <summary>A source that failed on several fleet hosts in one window, with what each host saw (evidence).</summary>
public sealed record CorrelatedSource
{
    public required NetAddress Source { get; init; }

    /// <summary>Each host that saw it fail, by host name.</summary>
    public required IReadOnlyList<CorrelatedHost> Hosts { get; init; }

    public long TotalFailures
    {
        get
        {
            long sum = 0;
            foreach (var h in Hosts)
            {
                sum += h.Failures;
            }

            return sum;
        }
    }
}
