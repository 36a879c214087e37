namespace PortVeil.Enforcement.Policy;

/// <summary>
/// How a restriction (decoy-cohort suspect) is told apart from a ban in storage without a schema change: it is a
/// ban record whose reason (the decision's explanation) starts with "restrict " (or "dry run: would restrict ").
/// Restrictions never count as offences and are restored into the suspect sets, not the ban sets.
/// </summary>
public static class RestrictionRecords
{
    public const string ReasonPrefix = "restrict ";

    public const string DryRunReasonPrefix = "dry run: would restrict ";

    /// <summary>True when a stored ban reason describes a restriction.</summary>
    public static bool IsRestriction(string? reason) =>
        reason is not null && (reason.StartsWith(ReasonPrefix, StringComparison.Ordinal) || reason.StartsWith(DryRunReasonPrefix, StringComparison.Ordinal));
}
