using System.Runtime.CompilerServices;

namespace PortVeil.Detection.State;

/// <summary>Up to 4 open ports a source reached before its verdict (its exposure), inline in its entry.</summary>
[InlineArray(Length)]
internal struct OpenPortList
{
    public const int Length = 4;

#pragma warning disable IDE0044, IDE0051 // The inline array's element; the runtime repeats it.
    private ushort _element0;
#pragma warning restore IDE0044, IDE0051
}
