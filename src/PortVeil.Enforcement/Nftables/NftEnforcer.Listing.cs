using System.Text.Json;

namespace PortVeil.Enforcement.Nftables;

public sealed partial class NftEnforcer
{
    /// <summary>
    /// The whole table as libnftables JSON (`list table inet portveil`, sets with their elements, chains, rules), for
    /// `explain rules` and `explain ban`; null when the table does not exist (no daemon ever ran here).
    /// </summary>
    public async Task<string?> ListTableJsonAsync()
    {
        var command = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["nftables"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["list"] = new Dictionary<string, object>
                    {
                        ["table"] = new Dictionary<string, string> { ["family"] = "inet", ["name"] = _ruleset.Table },
                    },
                },
            },
        });
        var r = await _nft.RunAsync(command).ConfigureAwait(false);
        if (r.Succeeded)
        {
            return r.Output;
        }

        // ENOENT is the only "normal" failure: anything else (EPERM without CAP_NET_ADMIN) is the caller's to report.
        if (r.Error.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return null;
        }

        throw new NftException($"list table inet {_ruleset.Table}", r);
    }

    /// <summary>True when our table exists in the enforcer's namespace.</summary>
    public async Task<bool> TableExistsAsync() => await ListTableJsonAsync().ConfigureAwait(false) is not null;

    /// <summary>
    /// Packets chain `spoof` dropped (forged local sources, reverse-path failures) since the table was last built;
    /// zero when the table or the chain does not exist.
    /// </summary>
    public async Task<SpoofDrops> ReadSpoofDropsAsync()
    {
        var command = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["nftables"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["list"] = new Dictionary<string, object>
                    {
                        ["chain"] = new Dictionary<string, string> { ["family"] = "inet", ["table"] = _ruleset.Table, ["name"] = PortVeilRuleset.SpoofChain },
                    },
                },
            },
        });
        var r = await _nft.RunAsync(command).ConfigureAwait(false);
        return r.Succeeded ? NftListing.ReadSpoofDrops(r.Output) : default;
    }
}
