using PortVeil.Core;

namespace PortVeil.Detection.Tests.Support;

/// <summary>A real sink that keeps every verdict (Serilog's CollectingSink idea).</summary>
public sealed class CollectingSink : IVerdictSink
{
    public List<Verdict> Verdicts { get; } = [];

    public void OnVerdict(Verdict verdict) => Verdicts.Add(verdict);

    public Verdict? For(string address) => Verdicts.FirstOrDefault(v => v.Source == SourceKey.ForAddress(NetAddress.Parse(address)));
}
