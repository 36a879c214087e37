using System.Net;
using Microsoft.Extensions.Logging;
using PortVeil.Core;
using PortVeil.Daemon.Options;
using PortVeil.Enforcement.ServedPorts;

namespace PortVeil.Daemon.Tests.Options;

public class ConfigLoaderTests
{
    private const string File = "/etc/portveil/portveil.toml";

    private static ConfigLoadResult Load(string text) => ConfigLoader.LoadText(text, File);

    private static ConfigError SingleError(string text) => Assert.Single(Load(text).Errors);

    [Fact]
    public void A_full_valid_file_sets_every_stage()
    {
        var r = Load("""
            # a self-hoster's file
            [daemon]
            dry_run = true
            state_dir = "/srv/portveil"
            log_level = "Debug"

            [sensor]
            nflog_group = 7

            [detection]
            window = "1m30s"
            window_threshold = 30
            trw_alpha = 0.005
            slow_scan_retention = "2d"
            tripwire_ports = [23, "445", "5900-5902"]
            ignore_networks = ["192.0.2.0/24", "2001:db8::/32", "198.51.100.7"]

            [kernel]
            first_contact_gating = false
            gating_min_delay = "800ms"
            known_timeout = "2w"
            raw_syn_drop = true
            always_served = "22,udp/53,8000-8002"

            [storage]
            path = "/data/pv.db"
            ban_history_days = 30
            """);

        Assert.Empty(r.Errors);
        Assert.True(r.FileFound);
        var c = r.Config;
        Assert.True(c.Daemon.DryRun);
        Assert.Equal("/srv/portveil", c.Daemon.StateDirectory);
        Assert.Equal(LogLevel.Debug, c.Daemon.LogLevel);
        Assert.Equal([(ushort)7], c.Sensor.Groups);
        Assert.Equal(7, c.Ruleset.NflogGroup);
        Assert.Equal(TimeSpan.FromSeconds(90), c.Detection.Window);
        Assert.Equal(30, c.Detection.WindowWeightThreshold);
        Assert.Equal(0.005, c.Detection.TrwAlpha);
        Assert.Equal(TimeSpan.FromDays(2), c.Detection.SuspectRetention);
        Assert.Equal([(ushort)23, 445, 5900, 5901, 5902], c.Detection.TripwirePorts);
        Assert.Equal(
            [(NetAddress.Parse("192.0.2.0"), 24), (NetAddress.Parse("2001:db8::"), 32), (NetAddress.Parse("198.51.100.7"), 32)],
            c.Detection.Allowlist);
        Assert.False(c.Ruleset.FirstContactGating);
        Assert.Equal(TimeSpan.FromMilliseconds(800), c.Ruleset.GatingMinDelay);
        Assert.Equal(TimeSpan.FromDays(14), c.Ruleset.KnownTimeout);
        Assert.True(c.Ruleset.RawSynFingerprint);
        Assert.Equal(
            [new ServedPort(IpProtocol.Tcp, 22), new(IpProtocol.Tcp, 8000), new(IpProtocol.Tcp, 8001), new(IpProtocol.Tcp, 8002), new(IpProtocol.Udp, 53)],
            c.ServedPorts.AlwaysServed);
        Assert.Equal("/data/pv.db", c.Sqlite.Path);
        Assert.Equal(30, c.Retention.BanHistoryDays);
        Assert.Equal(3, r.KeyLines["daemon.dry_run"]);
        Assert.Equal($"{File}:27", r.SourceOf("storage.ban_history_days"));
        Assert.Equal("default", r.SourceOf("kernel.reflex_meter"));
    }

    [Fact]
    public void Values_shown_by_the_catalog_parse_back_to_the_same_config()
    {
        var first = Load("""
            [detection]
            slow_scan_retention = "1h30m"
            tripwire_ports = "23,445,5900-5910"
            ignore_networks = "192.0.2.0/24, 2001:db8::/48"
            [kernel]
            always_served = ["udp/53", "tcp/443", "9000-9001"]
            """);
        Assert.Empty(first.Errors);
        var text = string.Join('\n', ConfigCatalog.Sections.Select(s =>
            $"[{s.Name}]\n" + string.Join('\n', s.Keys.Select(k => $"{k.Name} = {k.Type.ToToml(k.Get(first.Config))}"))));
        var second = Load(text);
        Assert.Empty(second.Errors);
        foreach (var key in ConfigCatalog.Keys)
        {
            Assert.Equal(key.Type.ToToml(key.Get(first.Config)), key.Type.ToToml(key.Get(second.Config)));
        }

        Assert.Equal("\"23,445,5900-5910\"", ConfigCatalog.Find("detection.tripwire_ports")!.Type.ToToml(second.Config.Detection.TripwirePorts.Select(p => new ServedPort(IpProtocol.Tcp, p)).ToList()));
    }

    [Fact]
    public void A_missing_file_means_every_default_and_no_error()
    {
        var r = ConfigLoader.Load(Path.Combine(Path.GetTempPath(), "portveil-" + Guid.NewGuid().ToString("N"), "portveil.toml"));
        Assert.False(r.FileFound);
        Assert.Empty(r.Errors);
        foreach (var key in ConfigCatalog.Keys)
        {
            Assert.Equal(key.Type.ToToml(key.Default), key.Type.ToToml(key.Get(r.Config)));
            Assert.Equal("default", r.SourceOf(key.FullName));
        }
    }

    [Fact]
    public void A_file_on_disk_is_read_and_a_directory_is_an_error()
    {
        var dir = Directory.CreateTempSubdirectory("portveil-config-");
        try
        {
            var path = Path.Combine(dir.FullName, "portveil.toml");
            System.IO.File.WriteAllText(path, "[daemon]\ndry_run = true\n");
            var r = ConfigLoader.Load(path);
            Assert.True(r.FileFound);
            Assert.True(r.Config.Daemon.DryRun);
            Assert.Equal(path, r.Path);

            var e = Assert.Single(ConfigLoader.Load(dir.FullName).Errors);
            Assert.Contains("directory", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("dry_run = \"true\"", "daemon.dry_run", "without quotes")]
    [InlineData("dry_run = 1", "daemon.dry_run", "expected true or false, got an integer")]
    public void Booleans_must_be_true_or_false(string line, string key, string message) => AssertError("[daemon]\n" + line, 2, key, message);

    [Theory]
    [InlineData("nflog_group = 70000", "70000 is out of range: expected integer 0..65,535")]
    [InlineData("nflog_group = \"7\"", "without quotes")]
    [InlineData("nflog_group = 7.5", "got a float")]
    public void Integers_are_whole_numbers_within_their_range(string line, string message) => AssertError("[sensor]\n" + line, 2, "sensor.nflog_group", message);

    [Theory]
    [InlineData("window = \"3x\"", "unknown unit \"x\"")]
    [InlineData("window = \"3\"", "needs a unit")]
    [InlineData("window = \"\"", "empty string")]
    [InlineData("window = \"soon\"", "is not a duration")]
    [InlineData("window = \"11m\"", "out of range")]
    [InlineData("window = \"0.5ms\"", "finer than a millisecond")]
    [InlineData("window = true", "got a boolean")]
    public void Durations_name_what_is_wrong(string line, string message) => AssertError("# comment\n[detection]\n" + line, 3, "detection.window", message);

    [Fact]
    public void A_bare_integer_duration_is_seconds()
    {
        var r = Load("[kernel]\nreflex_ban_time = 600\n");
        Assert.Empty(r.Errors);
        Assert.Equal(TimeSpan.FromMinutes(10), r.Config.Ruleset.ReflexBanTime);
    }

    [Theory]
    [InlineData("0", "not a port or range")]
    [InlineData("65536", "not a port or range")]
    [InlineData("9000-8000", "ends before it starts")]
    [InlineData("sctp/9", "unknown protocol")]
    [InlineData("1-65535", "more than 4096 ports")]
    [InlineData("http", "not a port or range")]
    public void Port_lists_refuse_bad_ports_and_ranges(string value, string message) => AssertError($"[kernel]\nalways_served = \"22,{value}\"", 2, "kernel.always_served", message);

    [Fact]
    public void Tripwire_ports_take_no_protocol() => AssertError("[detection]\ntripwire_ports = [\"udp/53\"]", 2, "detection.tripwire_ports", "no protocol prefix");

    [Theory]
    [InlineData("192.0.2.7/24", "host bits set; did you mean 192.0.2.0/24?")]
    [InlineData("2001:db8::1/32", "did you mean 2001:db8::/32?")]
    [InlineData("192.0.2.0/33", "prefix length must be 0..32")]
    [InlineData("300.1.1.1", "not an IPv4 or IPv6 address")]
    [InlineData("10.1", "not an IPv4 or IPv6 address")]
    [InlineData("example.org", "not an IPv4 or IPv6 address")]
    public void Network_lists_refuse_bad_CIDRs(string value, string message) => AssertError($"[detection]\nignore_networks = [\"198.51.100.0/24\", \"{value}\"]", 2, "detection.ignore_networks", message);

    [Theory]
    [InlineData("path = \"var/lib/x.db\"", "storage.path", "not an absolute path")]
    [InlineData("path = 5", "storage.path", "got an integer")]
    [InlineData("ban_history_days = 0", "storage.ban_history_days", "out of range")]
    public void Storage_values_are_checked(string line, string key, string message) => AssertError("[storage]\n" + line, 2, key, message);

    [Fact]
    public void Enums_list_their_choices() => AssertError("[daemon]\nlog_level = \"loud\"", 2, "daemon.log_level", "is not one of trace, debug, information, warning, error, critical, none");

    [Fact]
    public void Floats_must_lie_strictly_between_0_and_1() => AssertError("[detection]\ntrw_beta = 1", 2, "detection.trw_beta", "out of range");

    [Fact]
    public void An_unknown_key_suggests_the_closest_one()
    {
        var e = SingleError("[kernel]\n\nreflex_treshold = 5\n");
        Assert.Equal((3, "kernel.reflex_treshold"), (e.Line, e.Key));
        Assert.Contains("did you mean kernel.reflex_threshold?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_in_the_wrong_section_points_to_the_right_one()
    {
        Assert.Contains("did you mean kernel.reflex_threshold?", SingleError("[detection]\nreflex_threshold = 5").Message, StringComparison.Ordinal);
        Assert.Contains("did you mean daemon.dry_run (under [daemon])?", SingleError("dry-run = true").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_section_suggests_the_closest_one_and_its_keys_are_not_reported_again()
    {
        var e = SingleError("[kernal]\nreflex_threshold = 5\nreflex_meter = true\n");
        Assert.Equal((1, "kernal"), (e.Line, e.Key));
        Assert.Contains("did you mean [kernel]?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dotted_keys_and_inline_tables_work_like_sections()
    {
        var r = Load("detection.window = \"5s\"\nkernel = { reflex_threshold = 9 }\n");
        Assert.Empty(r.Errors);
        Assert.Equal(TimeSpan.FromSeconds(5), r.Config.Detection.Window);
        Assert.Equal(9, r.Config.Ruleset.ReflexThreshold);
        Assert.Equal(2, r.KeyLines["kernel.reflex_threshold"]);
    }

    [Fact]
    public void A_syntax_error_names_its_line_and_the_rest_of_the_file_is_still_checked()
    {
        var r = Load("[daemon]\ndry_run = true\nlog_level = = 3\n[detection]\nwindow = \"3x\"\n");
        Assert.Contains(r.Errors, e => e.Line == 3 && e.Key.Length == 0);
        Assert.Contains(r.Errors, e => e.Line == 5 && e.Key == "detection.window");
        Assert.True(r.Config.Daemon.DryRun);
    }

    [Fact]
    public void A_key_set_twice_is_an_error_with_its_line()
    {
        var r = Load("[daemon]\ndry_run = true\ndry_run = false\n");
        Assert.Contains(r.Errors, e => e.Line == 3 && e.Message.Contains("already defined", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_at_once_in_file_order()
    {
        var r = Load("""
            [daemon]
            dry_run = "yes"
            [detection]
            window = "3x"
            trw_alpha = 2
            ignore_networks = ["192.0.2.1/24"]
            [kernel]
            reflex_treshold = 3
            always_served = "0"
            [storage]
            path = "relative.db"
            [[daemon]]
            """);
        Assert.Equal(
            [(2, "daemon.dry_run"), (4, "detection.window"), (5, "detection.trw_alpha"), (6, "detection.ignore_networks"), (8, "kernel.reflex_treshold"), (9, "kernel.always_served"), (11, "storage.path"), (12, "daemon")],
            r.Errors.Where(e => e.Key.Length > 0).Select(e => (e.Line, e.Key)));
    }

    [Fact]
    public void Stage_validation_is_reported_at_the_key_and_line_that_caused_it()
    {
        var r = Load("[detection]\ntrw_theta0 = 0.3\ntrw_theta1 = 0.5\nbenign_retention = \"2h\"\nslow_scan_retention = \"1h\"\n[kernel]\ngating_min_delay = \"10s\"\n");
        Assert.Contains(r.Errors, e => e.Line == 3 && e.Key == "detection.trw_theta1" && e.Message.Contains("detection.trw_theta1 < detection.trw_theta0", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Line == 5 && e.Key == "detection.slow_scan_retention" && e.Message.Contains("detection.benign_retention", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.Line == 7 && e.Key == "kernel.gating_min_delay" && e.Message.Contains("shorter than kernel.gating_hold", StringComparison.Ordinal));
        Assert.Equal(3, r.Errors.Count);
    }

    [Fact]
    public void Stage_validation_of_keys_left_at_their_default_names_the_key_without_a_line()
    {
        // gating_hold is set below the default gating_min_delay (700 ms): the error is at gating_hold's line.
        var r = Load("[kernel]\ngating_hold = \"1s\"\ngating_min_delay = \"1s\"\ngating_wary = false\n");
        var e = Assert.Single(r.Errors);
        Assert.Equal((3, "kernel.gating_min_delay"), (e.Line, e.Key));
    }

    [Fact]
    public void A_gating_hold_under_4_s_is_refused_with_the_wary_gate_and_accepted_without_it()
    {
        // The wary gate lets a source in with its ~3 s SYN retransmit, which must find its first SYN still pending.
        var r = Load("[kernel]\ngating_hold = \"3s\"\n");
        var e = Assert.Single(r.Errors);
        Assert.Equal((2, "kernel.gating_hold"), (e.Line, e.Key));
        Assert.Contains("kernel.gating_wary", e.Message, StringComparison.Ordinal);

        var off = Load("[kernel]\ngating_hold = \"3s\"\ngating_wary = false\n");
        Assert.Empty(off.Errors);
        Assert.False(off.Config.Enforcement.Ruleset.GatingWary);
        Assert.True(Load("").Config.Enforcement.Ruleset.GatingWary);
    }

    [Fact]
    public void A_udp_hold_not_longer_than_the_minimum_delay_is_refused_and_the_defaults_gate_udp_for_30_s()
    {
        var r = Load("[kernel]\ngating_udp_hold = \"2s\"\ngating_min_delay = \"2s\"\n");
        var e = Assert.Single(r.Errors);
        Assert.Contains("shorter than kernel.gating_udp_hold", e.Message, StringComparison.Ordinal);

        var defaults = Load("");
        Assert.Empty(defaults.Errors);
        Assert.True(defaults.Config.Enforcement.Ruleset.GateUdp);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Config.Enforcement.Ruleset.UdpGatingHold);
        Assert.Equal(TimeSpan.FromSeconds(5), defaults.Config.Enforcement.Ruleset.GatingHold);
    }

    [Fact]
    public void Networks_are_compared_as_networks()
    {
        var r = Load("[detection]\nignore_networks = [\"192.0.2.0/24\", \"192.0.2.0/24\", \"2001:DB8::/32\"]\n");
        Assert.Empty(r.Errors);
        Assert.Equal(2, r.Config.Detection.Allowlist.Count);
        Assert.Equal(IPNetwork.Parse("2001:db8::/32").BaseAddress, r.Config.Detection.Allowlist[1].Network.ToIPAddress());
    }

    private static void AssertError(string text, int line, string key, string messagePart)
    {
        var e = SingleError(text);
        Assert.Equal((line, key), (e.Line, e.Key));
        Assert.Contains(messagePart, e.Message, StringComparison.Ordinal);
        Assert.Equal(File, e.File);
    }
}
