using System.CommandLine;
using PortVeil.Daemon.Operations;
using PortVeil.Daemon.Options;
using PortVeil.Enforcement.Allowlist;
using PortVeil.Enforcement.Nftables;
using PortVeil.Storage;

namespace PortVeil.Cli.Operator;

/// <summary>
/// What one operator verb works with, opened from its options: the configuration, the database, the kernel table
/// (without a watchdog: the CLI only adds and removes elements, it never creates or repairs the table), the
/// allowlist (configuration plus discovery plus stored entries) and the <see cref="OperatorActions"/> over them.
/// </summary>
internal sealed class OperatorSession : IDisposable
{
    private OperatorSession(PortVeilConfig config, IPortVeilStore store, NftEnforcer? kernel, string? kernelProblem, OperatorActions actions, CliOutput output)
    {
        Config = config;
        Store = store;
        Kernel = kernel;
        KernelProblem = kernelProblem;
        Actions = actions;
        Output = output;
    }

    public PortVeilConfig Config { get; }

    public IPortVeilStore Store { get; }

    public NftEnforcer? Kernel { get; }

    /// <summary>Why the kernel is not available (no libnftables, --no-kernel); null when it is.</summary>
    public string? KernelProblem { get; }

    public OperatorActions Actions { get; }

    public CliOutput Output { get; }

    /// <summary>
    /// Opens everything the verb needs, or writes why it cannot to stderr and returns the exit code. The database
    /// is the one the configuration's [storage] selects, SQLite or PostgreSQL (<see cref="CliStore"/>).
    /// <paramref name="readOnly"/>: a SQLite file must exist already (a listing never creates one).
    /// </summary>
    public static OperatorSession? Open(ParseResult parse, OperatorOptions options, bool readOnly, out int exitCode)
    {
        var error = parse.InvocationConfiguration.Error;
        var output = new CliOutput(parse.InvocationConfiguration.Output, parse.GetValue(options.Output) == "json");
        var config = CliStore.LoadConfig(parse.GetValue(options.Config), parse.GetValue(options.Database), error);
        if (config is null)
        {
            exitCode = ExitCodes.Config;
            return null;
        }

        var store = CliStore.Open(config, mustExist: readOnly, "portveil", error, out var failure, parse.GetValue(options.Config) ?? ConfigLoader.DefaultPath);
        if (store is null)
        {
            exitCode = failure == CliStoreFailure.Missing ? ExitCodes.NotFound : ExitCodes.Failed;
            return null;
        }

        NftEnforcer? kernel = null;
        string? problem = null;
        if (!options.UsesKernel)
        {
            problem = null;
        }
        else if (parse.GetValue(options.NoKernel))
        {
            // Asked for: the actions' own warnings say the kernel was not touched; nothing more to add.
            problem = null;
        }
        else
        {
            kernel = OpenKernel(config, parse.GetValue(options.Netns), out problem);
        }

        LiveAllowlist allowlist;
        try
        {
            allowlist = new LiveAllowlist(new AllowlistDiscovery(config.Allowlist));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Discovery reads /proc and resolv.conf; without them the static entries and the stored ones still count.
            allowlist = new LiveAllowlist(AllowlistIndex.Create(StaticEntries(config)));
        }

        var actions = new OperatorActions(store, kernel, allowlist, policy: null, hostName: config.Fleet.EffectiveHostName);
        exitCode = ExitCodes.Ok;
        return new OperatorSession(config, store, kernel, problem, actions, output);
    }

    public void Dispose()
    {
        Kernel?.Dispose();
        Store.Dispose();
    }

    private static string? NamespacePath(string? netns) =>
        netns is null ? null : netns.Contains('/', StringComparison.Ordinal) ? netns : Path.Combine("/var/run/netns", netns);

    /// <summary>
    /// The enforcer of `table inet portveil` in this host's (or <paramref name="netns"/>'s) network namespace, without a
    /// watchdog; null with <paramref name="problem"/> saying why when libnftables or the namespace cannot be used.
    /// </summary>
    public static NftEnforcer? OpenKernel(PortVeilConfig config, string? netns, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(config);
        problem = null;
        try
        {
            return new NftEnforcer(config.Enforcement with { Watchdog = false, NetlinkMonitor = false, NetworkNamespacePath = NamespacePath(netns) ?? config.Enforcement.NetworkNamespacePath });
        }
        catch (Exception e) when (e is NftException or DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
        {
            problem = $"the kernel table cannot be reached ({e.Message}); only the database was used";
            return null;
        }
    }

    private static List<AllowlistEntry> StaticEntries(PortVeilConfig config)
    {
        var list = new List<AllowlistEntry>();
        foreach (var s in config.Allowlist.Static)
        {
            if (NetPrefix.TryParse(s, out var p))
            {
                list.Add(new AllowlistEntry(p, AllowlistSource.Static, "static allowlist entry from configuration"));
            }
        }

        return list;
    }
}
