using System.Runtime.CompilerServices;
using PortVeil.Core;

namespace PortVeil.Detection.Distributed;

/// <summary>Up to 16 member addresses of a group, inline.</summary>
[InlineArray(Length)]
internal struct MemberList
{
    public const int Length = 16;

#pragma warning disable IDE0044, IDE0051 // The inline array's element; the runtime repeats it.
    private NetAddress _element0;
#pragma warning restore IDE0044, IDE0051
}
