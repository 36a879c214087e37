namespace PortVeil.Effectiveness.Protections;

/// <summary>What guards the lab server during a run.</summary>
internal enum ProtectionKind
{
    /// <summary>No firewall at all: the baseline every delay is measured against.</summary>
    None,

    /// <summary>The widely copied iptables ipset + hashlimit recipe (<see cref="RecipeFirewall"/>).</summary>
    Recipe,

    /// <summary>The PortVeil daemon with its defaults, first-contact gating on.</summary>
    PortVeilGating,

    /// <summary>The PortVeil daemon with first-contact gating off.</summary>
    PortVeilNoGating,

    /// <summary>The PortVeil daemon with gating on for UDP too (kernel.gating_udp); only when asked for by name.</summary>
    PortVeilGatingUdp,
}
