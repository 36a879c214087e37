using PortVeil.Core;
using PortVeil.Detection;

namespace PortVeil.Benchmarks.Detection;

/// <summary>Counts verdicts and keeps none (a null object, as Kestrel's perf mocks).</summary>
internal sealed class CountingSink : IVerdictSink
{
    public int Count { get; private set; }

    public void OnVerdict(Verdict verdict) => Count++;
}
