using PortVeil.Core;

namespace PortVeil.Detection;

/// <summary>Receives the engine's verdicts, one call per verdict, on the thread that called Process or Flush.</summary>
/// <remarks>
/// Implementations must return quickly and must not call back into the engine: the engine is single-threaded and
/// the call happens in the middle of processing a packet. Hand the verdict to a channel if work is slow.
/// </remarks>
public interface IVerdictSink
{
    void OnVerdict(Verdict verdict);
}
