using System.Globalization;
using PortVeil.TestSupport;
using PortVeil.TestSupport.Lab;

namespace PortVeil.IntegrationTests.Daemon;

/// <summary>
/// One-probe-per-address campaigns: many real hosts of one /24, each sending a single SYN to an unserved port. No
/// member alone can be banned (one unverified SYN), but the distributed verdict names them all, and the policy bans
/// the /24 as one kernel element, which also drops an address of the /24 that never scanned.
/// </summary>
[Collection(DaemonCollection.Name)]
public class CampaignScanTests
{
    // Real hosts in the scanners' /24 that never send a probe: one never contacted the server before the campaign,
    // the other is a returning guest (it passed first-contact gating before).
    private const string Bystander = "198.51.100.77";
    private const string ReturningGuest = "198.51.100.78";
    private const string Subnet = "198.51.100.0/24";

    // 12 members with one distinct port each: the distributed detector needs an estimate of ≥ 10 closed ports from a
    // 256-bit sketch, and 12 ports leave room for two hash collisions.
    private const int Members = 12;

    [Fact]
    public async Task Twelve_scanners_of_one_24_sending_one_SYN_each_get_the_whole_24_banned()
    {
        await using var lab = new DaemonLab(LabTopology.Builder().WithScanners(Members).WithClients(1).WithBystanders(Bystander, ReturningGuest), 443);
        await lab.StartAsync();
        var bystander = lab.Lab.Bystanders.Single(b => b.IPv4 == Bystander);
        var returning = lab.Lab.Bystanders.Single(b => b.IPv4 == ReturningGuest);
        var guest = lab.Lab.Clients[0];
        Assert.True(LabTcpClient.TryConnect(returning, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6)), "the returning guest connects before the campaign");

        for (var i = 0; i < Members; i++)
        {
            Hping.Syn(lab.Lab.Scanners[i], LabTopology.ServerIPv4, 2000 + (37 * i), count: 1);
        }

        var bans = await lab.WaitForBanAsync(Subnet);

        Assert.Contains(Subnet, bans);

        // One element for the /24, no member banned on its own single SYN.
        Assert.Equal([Subnet], bans);
        var kernel = (await lab.Daemon!.Enforcer!.ListAsync()).Single(b => b.Source.ToString() == Subnet);
        Assert.True(kernel.Timeout <= TimeSpan.FromMinutes(10), "a campaign ban is capped at policy.campaign_ban_time");

        // An address of the /24 that never scanned is dropped now; a guest of another /24 still connects.
        Assert.False(LabTcpClient.TryConnect(bystander, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(3)), "the bystander's /24 is banned");
        Assert.True(LabTcpClient.TryConnect(guest, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6)), "a guest of another /24");
        Assert.True(LabTcpClient.TryConnect(returning, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(3)), "a returning guest of the banned /24 (in @known4) is spared");
        var after = (await lab.Daemon.Enforcer.ListAsync()).Single(b => b.Source.ToString() == Subnet);
        Assert.True(after.Packets > 0, "the /24 element's counter shows the bystander's dropped SYNs");

        // The stored ban explains itself.
        using var store = PortVeil.Storage.Sqlite.SqliteStore.Open(new PortVeil.Storage.Sqlite.SqliteStoreOptions { Path = lab.DatabasePath });
        var stored = await WaitForStoredBanAsync(store);
        Assert.Contains("campaign: a distributed scan named", stored, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"members of {Subnet}"), stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_campaign_never_bans_a_24_holding_an_allowlisted_address_nor_any_single_member()
    {
        await using var lab = new DaemonLab(LabTopology.Builder().WithScanners(Members).WithClients(1).WithBystanders(Bystander), 443);
        var stages = lab.Stages();
        stages.Allowlist.Static.Add(Bystander + "/32");
        await lab.StartAsync(stages);
        var bystander = lab.Lab.Bystanders[0];

        for (var i = 0; i < Members; i++)
        {
            Hping.Syn(lab.Lab.Scanners[i], LabTopology.ServerIPv4, 2000 + (37 * i), count: 1);
        }

        // The distributed verdicts arrive (stored as incidents, with the skip that explains them), and nothing is banned.
        using var store = PortVeil.Storage.Sqlite.SqliteStore.Open(new PortVeil.Storage.Sqlite.SqliteStoreOptions { Path = lab.DatabasePath });
        var distributed = 0;
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline && distributed == 0; await Task.Delay(100))
        {
            var incidents = await store.ListIncidentsAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
            distributed = incidents.Count(i => i.Verdict.Detector == PortVeil.Core.DetectorKind.Distributed);
        }

        Assert.True(distributed > 0, "the distributed detector flagged the campaign");
        Assert.Empty(await lab.KernelBansAsync());
        Assert.True(LabTcpClient.TryConnect(bystander, LabTopology.ServerIPv4, 443, TimeSpan.FromSeconds(6)), "the allowlisted bystander still connects");
    }

    private static async Task<string> WaitForStoredBanAsync(PortVeil.Storage.Sqlite.SqliteStore store)
    {
        for (var deadline = DateTime.UtcNow + TestTimeouts.Event; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            foreach (var b in await store.ListActiveBansAsync(DateTimeOffset.UtcNow))
            {
                if (b.Ban.Target.ToString() == Subnet)
                {
                    return b.Ban.Reason;
                }
            }
        }

        return "";
    }
}
