using PortVeil.Core;
using PortVeil.Daemon.Operations;
using PortVeil.Storage;
using PortVeil.TestSupport.Samples;

namespace PortVeil.Daemon.Tests.Operations;

public sealed class BanExplainerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static BanExplanation Gated(bool? passed) => new()
    {
        Address = NetAddress.Parse("198.51.100.101"),
        Active = true,
        PassedGating = passed,
        Ban = new StoredBan
        {
            Ban = Some.Ban(NetAddress.Parse("198.51.100.101"), Now.AddMinutes(-1), TimeSpan.FromMinutes(61)),
        },
        Incidents =
        [
            new StoredIncident { Id = Guid.CreateVersion7(), OriginHost = "h", Verdict = Some.Verdict("198.51.100.101") },
        ],
    };

    private static string Exposure(BanExplanation e) => BanExplainer.WithAccount(e, Now).Account.Single(l => l.StartsWith("Exposure:", StringComparison.Ordinal));

    [Fact]
    public void A_scanner_that_never_passed_gating_is_said_to_have_learned_no_open_port()
    {
        var text = Exposure(Gated(passed: false));

        Assert.Contains("2 open ports (22, 443)", text, StringComparison.Ordinal);
        Assert.Contains("it never passed (it is not in @known4), so it learned no open port", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scanner_that_passed_gating_or_without_gating_may_have_learned_the_ports()
    {
        Assert.Contains("it passed first-contact gating (it is in @known4): it may have learned that these ports are open", Exposure(Gated(passed: true)), StringComparison.Ordinal);
        Assert.Contains("had reached 2 open ports (22, 443); it may have learned", Exposure(Gated(passed: null)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_account_names_the_escalation_level_and_time_left()
    {
        var ban = BanExplainer.WithAccount(Gated(null), Now).Account[0];

        Assert.Contains("198.51.100.101 is banned by the trw detector", ban, StringComparison.Ordinal);
        Assert.Contains("(1h left), escalation level 0 (a first offence)", ban, StringComparison.Ordinal);
    }
}
