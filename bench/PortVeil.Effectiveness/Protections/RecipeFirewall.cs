using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Protections;

/// <summary>
/// The iptables ipset + hashlimit port-scan recipe, applied in the lab server's namespace only (ipsets and iptables
/// rules are per network namespace, so the host's firewall is never touched). Written out exactly as it is usually
/// published, on the INPUT chain:
/// <code>
/// ipset create port_scanners hash:ip family inet hashsize 32768 maxelem 65536 timeout 600
/// ipset create scanned_ports hash:ip,port family inet hashsize 32768 maxelem 65536 timeout 60
/// iptables -A INPUT -m state --state INVALID -j DROP
/// iptables -A INPUT -m state --state NEW -m set ! --match-set scanned_ports src,dst -m hashlimit --hashlimit-above 1/hour --hashlimit-burst 5 --hashlimit-mode srcip --hashlimit-name portscan --hashlimit-htable-expire 10000 -j SET --add-set port_scanners src --exist
/// iptables -A INPUT -m state --state NEW -m set --match-set port_scanners src -j DROP
/// iptables -A INPUT -m state --state NEW -j SET --add-set scanned_ports src,dst
/// </code>
/// A source may open 5 new (address, port) pairs at once, then 1 per hour; the 6th new pair within the hashlimit's
/// memory puts it in port_scanners for 600 s. Docker-published ports are DNATed in prerouting and then FORWARDed,
/// so INPUT never sees them: the recipe, as published, does not cover port 8080 of this lab.
/// </summary>
internal sealed class RecipeFirewall : IProtection
{
    private static readonly string[][] Commands =
    [
        ["ipset", "create", "port_scanners", "hash:ip", "family", "inet", "hashsize", "32768", "maxelem", "65536", "timeout", "600"],
        ["ipset", "create", "scanned_ports", "hash:ip,port", "family", "inet", "hashsize", "32768", "maxelem", "65536", "timeout", "60"],
        ["iptables", "-A", "INPUT", "-m", "state", "--state", "INVALID", "-j", "DROP"],
        [
            "iptables", "-A", "INPUT", "-m", "state", "--state", "NEW", "-m", "set", "!", "--match-set", "scanned_ports", "src,dst",
            "-m", "hashlimit", "--hashlimit-above", "1/hour", "--hashlimit-burst", "5", "--hashlimit-mode", "srcip",
            "--hashlimit-name", "portscan", "--hashlimit-htable-expire", "10000", "-j", "SET", "--add-set", "port_scanners", "src", "--exist",
        ],
        ["iptables", "-A", "INPUT", "-m", "state", "--state", "NEW", "-m", "set", "--match-set", "port_scanners", "src", "-j", "DROP"],
        ["iptables", "-A", "INPUT", "-m", "state", "--state", "NEW", "-j", "SET", "--add-set", "scanned_ports", "src,dst"],
    ];

    private readonly LabHost _server;

    private RecipeFirewall(LabHost server) => _server = server;

    public ProtectionKind Kind => ProtectionKind.Recipe;

    /// <summary>The recipe's commands, one line each, for the report.</summary>
    public static IEnumerable<string> CommandLines => Commands.Select(c => string.Join(' ', c));

    public static RecipeFirewall Apply(LabHost server)
    {
        foreach (var command in Commands)
        {
            server.Exec(command[0], command[1..], TestTimeouts.Command).EnsureSuccess(string.Join(' ', command));
        }

        return new RecipeFirewall(server);
    }

    public Task<IReadOnlyList<string>> BannedAsync()
    {
        // `ipset save` prints one `add port_scanners 198.51.100.101 timeout 599` line per member.
        var saved = _server.Exec("ipset", ["save", "port_scanners"], TestTimeouts.Command).EnsureSuccess("ipset save").StdOut;
        var banned = new List<string>();
        foreach (var line in saved.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 3 && fields[0] == "add")
            {
                banned.Add(fields[2]);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(banned);
    }

    public Task<IReadOnlyDictionary<string, BanEvidence>> EvidenceAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, BanEvidence>>(new Dictionary<string, BanEvidence>());

    // The namespace goes with the lab, and its ipsets and rules with it.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
