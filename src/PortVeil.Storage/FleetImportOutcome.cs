namespace PortVeil.Storage;

/// <summary>What a host did with another host's ban.</summary>
public enum FleetImportOutcome
{
    /// <summary>Put into this host's kernel.</summary>
    Enforced,

    /// <summary>Refused: the target is on this host's allowlist, which always wins locally.</summary>
    Allowlisted,

    /// <summary>Not yet: fewer distinct hosts reported the source than the consensus threshold.</summary>
    AwaitingConsensus,
}
