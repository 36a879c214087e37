using Microsoft.Extensions.Logging;
using PortVeil.Daemon.Logging;
using PortVeil.TestSupport;

namespace PortVeil.Daemon.Tests.Logging;

/// <summary>The daemon's journal output (native protocol), received on a real Unix datagram socket.</summary>
public sealed class JournalLoggerTests
{
    private static ILoggerFactory Factory(JournalCapture capture) =>
        LoggerFactory.Create(b => DaemonHost.ConfigureLogging(b, LogLevel.Information, DaemonLogFormat.Journal, capture.SocketPath));

    [Fact]
    public void A_ban_message_reaches_the_journal_with_a_plain_message_and_one_field_per_value()
    {
        using var capture = new JournalCapture();
        using var factory = Factory(capture);
        var logger = factory.CreateLogger<PortVeilDaemon>();

        LogMessages.Ban(logger, "203.0.113.7", TimeSpan.FromMinutes(10), "syn", "trw", 2, "trw: 5 failures, 0 successes (nmap)");

        var fields = capture.WaitFor(f => f.GetValueOrDefault("PORTVEIL_EVENT_ID") == "1100", TestTimeouts.Event);
        Assert.NotNull(fields);
        Assert.Equal("[portveil] Ban 203.0.113.7 for 00:10:00 (syn scan by trw, level 2): trw: 5 failures, 0 successes (nmap)", fields["MESSAGE"]);
        Assert.Equal("4", fields["PRIORITY"]);
        Assert.Equal("portveil", fields["SYSLOG_IDENTIFIER"]);
        Assert.Equal("Ban", fields["PORTVEIL_EVENT"]);
        Assert.Equal("203.0.113.7", fields["PORTVEIL_TARGET"]);
        Assert.Equal("syn", fields["PORTVEIL_SCAN"]);
        Assert.Equal("trw", fields["PORTVEIL_DETECTOR"]);
        Assert.Equal("2", fields["PORTVEIL_LEVEL"]);
        Assert.Equal("00:10:00", fields["PORTVEIL_DURATION"]);
        Assert.Equal(typeof(PortVeilDaemon).FullName, fields["PORTVEIL_CATEGORY"]);
        Assert.DoesNotContain("{OriginalFormat}", fields.Keys);
    }

    [Fact]
    public void A_value_with_a_newline_uses_the_binary_field_form_and_survives_intact()
    {
        using var capture = new JournalCapture();
        using var factory = Factory(capture);
        var logger = factory.CreateLogger<PortVeilDaemon>();
        const string explanation = "line one\nline two: <b>=&</b>";

        LogMessages.Skipped(logger, "2001:db8::7", explanation);

        var fields = capture.WaitFor(f => f.GetValueOrDefault("PORTVEIL_EVENT_ID") == "1102", TestTimeouts.Event);
        Assert.NotNull(fields);
        Assert.Equal(explanation, fields["PORTVEIL_EXPLANATION"]);
        Assert.Equal("[portveil] Not banning 2001:db8::7: " + explanation, fields["MESSAGE"]);
        Assert.Equal("6", fields["PRIORITY"]);
    }

    [Fact]
    public void An_exception_is_named_in_the_message_and_kept_whole_in_its_own_field()
    {
        using var capture = new JournalCapture();
        using var factory = Factory(capture);
        var logger = factory.CreateLogger<PortVeilDaemon>();

        LogMessages.BanFailed(logger, new InvalidOperationException("netlink said no"), "198.51.100.9");

        var fields = capture.WaitFor(f => f.GetValueOrDefault("PORTVEIL_EVENT_ID") == "1200", TestTimeouts.Event);
        Assert.NotNull(fields);
        Assert.Equal("3", fields["PRIORITY"]);
        Assert.EndsWith("InvalidOperationException: netlink said no", fields["MESSAGE"], StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: netlink said no", fields["PORTVEIL_EXCEPTION"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Target", "PORTVEIL_TARGET")]
    [InlineData("DryRun", "PORTVEIL_DRY_RUN")]
    [InlineData("ipv6Prefix64", "PORTVEIL_IPV6_PREFIX64")]
    [InlineData("odd-name.x", "PORTVEIL_ODD_NAME_X")]
    public void Template_names_become_journal_field_names(string property, string field) =>
        Assert.Equal(field, JournalFields.FieldName("PORTVEIL_", property));

    [Fact]
    public void Journal_is_not_chosen_automatically_without_journal_stream()
    {
        // The test runner is not started by systemd: no JOURNAL_STREAM, so auto means console.
        Assert.Null(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));
        using var capture = new JournalCapture();
        Assert.False(JournalLoggerProvider.IsJournalAvailable(capture.SocketPath));
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("2001:db8::7")]
    [InlineData("2001:db8:5:6:a:b:c:d")]
    public void The_ban_line_matches_a_fail2ban_failregex_and_yields_the_banned_address(string target)
    {
        using var capture = new JournalCapture();
        using var factory = Factory(capture);

        LogMessages.Ban(factory.CreateLogger<PortVeilDaemon>(), target, TimeSpan.FromMinutes(10), "syn", "trw", 0, "trw: 5 failures");

        var message = capture.WaitFor(f => f.ContainsKey("PORTVEIL_TARGET"), TestTimeouts.Event)!["MESSAGE"];
        var match = Fail2banRegex.Expand(@"^\[portveil\] Ban <HOST>").Match(message);
        Assert.True(match.Success, message);
        Assert.Equal(target, Fail2banRegex.HostOf(match));
    }
}
