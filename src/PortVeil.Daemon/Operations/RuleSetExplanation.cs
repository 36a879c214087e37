namespace PortVeil.Daemon.Operations;

/// <summary>The live `inet portveil` table read back and explained: every set, chain and rule, in kernel order.</summary>
public sealed record RuleSetExplanation(string Table, string NftVersion, IReadOnlyList<ExplainedSet> Sets, IReadOnlyList<ExplainedChain> Chains)
{
    /// <summary>Rules PortVeil does not make (shown raw, never hidden).</summary>
    public int UnknownRules
    {
        get
        {
            var n = 0;
            foreach (var c in Chains)
            {
                foreach (var r in c.Rules)
                {
                    n += r.Known ? 0 : 1;
                }
            }

            return n;
        }
    }
}

/// <summary>A set: its type, flags, element count, default timeout (s, 0 = none) and one sentence on its role.</summary>
public sealed record ExplainedSet(string Name, string Type, IReadOnlyList<string> Flags, int Elements, long TimeoutSeconds, string Explanation, bool Known);

/// <summary>A chain: where it hooks (null for a regular chain jumped to), its rules, and one sentence.</summary>
public sealed record ExplainedChain(string Name, string? Hook, int? Priority, string? Policy, string Explanation, IReadOnlyList<ExplainedRule> Rules);

/// <summary>
/// A rule: its handle, its statement in nft syntax (rebuilt from JSON), one sentence, the sets it names, and its
/// counter. <see cref="Known"/> false: not a rule PortVeil makes; <see cref="Raw"/> is then its JSON as the kernel gave it.
/// </summary>
public sealed record ExplainedRule(string Chain, long Handle, string Text, string Explanation, bool Known, IReadOnlyList<string> Sets, long? Packets, string Raw);
