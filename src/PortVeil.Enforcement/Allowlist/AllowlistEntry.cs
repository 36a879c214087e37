namespace PortVeil.Enforcement.Allowlist;

/// <summary>One allowlisted block with the reason shown to the user, e.g. "gateway 198.51.100.1 (default route via eth0)".</summary>
public sealed record AllowlistEntry(NetPrefix Prefix, AllowlistSource Source, string Reason)
{
    public override string ToString() => $"{Prefix}: {Reason}";
}
