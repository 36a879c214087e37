using PortVeil.TestSupport;

namespace PortVeil.IntegrationTests.Harness;

public class NetworkNamespaceTests
{
    [Fact]
    public void Two_linked_namespaces_reach_each_other_and_are_removed_on_dispose()
    {
        string aName;
        using (var a = NetworkNamespace.Create("a"))
        using (var b = NetworkNamespace.Create("b"))
        {
            aName = a.Name;
            NetworkNamespace.Link(a, "veth-a", "198.51.100.1/24", b, "veth-b", "198.51.100.2/24");
            var ping = a.Exec("ping", ["-c", "1", "-W", "2", "198.51.100.2"], TestTimeouts.Command);
            Assert.Equal(0, ping.ExitCode);

            var inside = a.RunInside(() => File.ReadAllText("/proc/thread-self/net/dev"));
            Assert.Contains("veth-a", inside, StringComparison.Ordinal);
        }

        var list = ProcessRunner.Run("ip", "netns", "list");
        Assert.DoesNotContain(aName, list.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Addresses_outside_the_documentation_ranges_are_refused()
    {
        Assert.Throws<ArgumentException>(() => DocumentationRanges.EnsureAllowed("10.0.0.1/24"));
        Assert.Throws<ArgumentException>(() => DocumentationRanges.EnsureAllowed("8.8.8.8"));
        DocumentationRanges.EnsureAllowed("2001:db8::1/64");
    }
}
