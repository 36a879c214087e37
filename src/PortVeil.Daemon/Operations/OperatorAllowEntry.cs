using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Daemon.Operations;

/// <summary>One allowlist entry in force, with where it came from.</summary>
/// <param name="Prefix">The address or block.</param>
/// <param name="Source">operator, static, gateway, resolver, host_address, admin_ssh or reserved.</param>
/// <param name="Reason">The operator's comment, or why discovery added it.</param>
/// <param name="AddedAt">When an operator added it; null for entries from the configuration or discovery.</param>
/// <param name="Removable">True for operator entries (`allow remove` works); the others come from the configuration or discovery.</param>
public sealed record OperatorAllowEntry(NetPrefix Prefix, string Source, string Reason, DateTimeOffset? AddedAt, bool Removable);
