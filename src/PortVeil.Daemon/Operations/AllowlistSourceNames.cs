using PortVeil.Enforcement.Allowlist;

namespace PortVeil.Daemon.Operations;

/// <summary>Stable names of <see cref="AllowlistSource"/> values in CLI JSON and the HTTP API.</summary>
public static class AllowlistSourceNames
{
    public static string Of(AllowlistSource source) => source switch
    {
        AllowlistSource.Reserved => "reserved",
        AllowlistSource.Static => "static",
        AllowlistSource.Gateway => "gateway",
        AllowlistSource.Resolver => "resolver",
        AllowlistSource.HostAddress => "host_address",
        AllowlistSource.AdminSsh => "admin_ssh",
        AllowlistSource.Operator => "operator",
        _ => "unknown",
    };
}
