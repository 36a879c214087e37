namespace PortVeil.Enforcement.ServedPorts;

/// <summary>One change of the served set: what joined, what left, and the whole set after the change (sorted).</summary>
public sealed record ServedPortsChange(IReadOnlyList<ServedPort> Added, IReadOnlyList<ServedPort> Removed, IReadOnlyList<ServedPort> Current);
