using System.Runtime.CompilerServices;

namespace PortVeil.Detection.State;

/// <summary>The last 12 distinct ports a source probed, inline in its entry (no heap).</summary>
[InlineArray(Length)]
internal struct PortRing
{
    public const int Length = 12;

#pragma warning disable IDE0044, IDE0051 // The inline array's element; the runtime repeats it.
    private ushort _element0;
#pragma warning restore IDE0044, IDE0051
}
