using System.Runtime.CompilerServices;

namespace PortVeil.Detection.Distributed;

/// <summary>256-bit linear-counting sketch of the closed ports a group touched (exact to within a few % below ~100 ports).</summary>
[InlineArray(4)]
internal struct PortSketch
{
#pragma warning disable IDE0044, IDE0051 // The inline array's element; the runtime repeats it.
    private ulong _element0;
#pragma warning restore IDE0044, IDE0051
}
