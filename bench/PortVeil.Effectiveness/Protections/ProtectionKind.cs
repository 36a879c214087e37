namespace PortVeil.Effectiveness.Protections;

/// <summary>What guards the lab server during a run.</summary>
internal enum ProtectionKind
{
    /// <summary>No firewall at all: the baseline every delay is measured against.</summary>
    None,

    /// <summary>The widely copied iptables ipset + hashlimit recipe (<see cref="RecipeFirewall"/>).</summary>
    Recipe,

    /// <summary>The PortVeil daemon with its defaults: first-contact gating on, for TCP and UDP (kernel.gating_udp).</summary>
    PortVeilGating,

    /// <summary>The PortVeil daemon with first-contact gating off.</summary>
    PortVeilNoGating,

    /// <summary>
    /// The PortVeil daemon with gating on for TCP only (kernel.gating_udp = false, the default until 2026-11-25; the
    /// variant was then "portveil-gating-udp", UDP gated on request); only when asked for by name.
    /// </summary>
    PortVeilGatingNoUdp,
}
