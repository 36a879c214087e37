namespace PortVeil.Enforcement.Doctor;

/// <summary>The outcome of one doctor check.</summary>
public enum CheckStatus
{
    /// <summary>Works.</summary>
    Ok,

    /// <summary>Works, but something deserves the admin's attention.</summary>
    Warning,

    /// <summary>Does not work; PortVeil needs it.</summary>
    Failed,

    /// <summary>A fact about the host, neither good nor bad.</summary>
    Info,
}
