namespace PortVeil.Enforcement.Doctor;

/// <summary>
/// One finding of `portveil doctor`, in plain words: what was checked, what was found, and how to fix it.
/// <see cref="Required"/> checks decide the exit code.
/// </summary>
public sealed record CapabilityCheck(string Id, string Title, CheckStatus Status, string Detail, string? Fix = null, bool Required = false);
