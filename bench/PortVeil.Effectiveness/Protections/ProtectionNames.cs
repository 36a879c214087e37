namespace PortVeil.Effectiveness.Protections;

/// <summary>The command-line and report names of <see cref="ProtectionKind"/>.</summary>
internal static class ProtectionNames
{
    public static readonly IReadOnlyList<ProtectionKind> All =
        [ProtectionKind.None, ProtectionKind.Recipe, ProtectionKind.PortVeilGating, ProtectionKind.PortVeilNoGating];

    /// <summary><see cref="All"/> (the default set) and the variants run only when named.</summary>
    public static readonly IReadOnlyList<ProtectionKind> Known = [.. All, ProtectionKind.PortVeilGatingNoUdp];

    public static string Name(ProtectionKind kind) => kind switch
    {
        ProtectionKind.None => "none",
        ProtectionKind.Recipe => "recipe",
        ProtectionKind.PortVeilGating => "portveil-gating",
        ProtectionKind.PortVeilNoGating => "portveil-nogating",
        ProtectionKind.PortVeilGatingNoUdp => "portveil-gating-no-udp",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static ProtectionKind Parse(string name)
    {
        foreach (var kind in Known)
        {
            if (string.Equals(Name(kind), name, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        throw new ArgumentException($"unknown protection '{name}'; known: {string.Join(", ", Known.Select(Name))}");
    }
}
