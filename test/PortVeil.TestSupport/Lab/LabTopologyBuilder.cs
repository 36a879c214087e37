namespace PortVeil.TestSupport.Lab;

/// <summary>Chooses what a <see cref="LabTopology"/> holds; <see cref="Build"/> creates it.</summary>
public sealed class LabTopologyBuilder
{
    internal int ScannerCount { get; private set; } = 1;

    internal int ClientCount { get; private set; } = 1;

    internal bool HasContainer { get; private set; }

    internal List<string> ExtraHosts { get; } = [];

    /// <summary>Scanner namespaces, 198.51.100.101 upwards (at most 20).</summary>
    public LabTopologyBuilder WithScanners(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 20);
        ScannerCount = count;
        return this;
    }

    /// <summary>Benign client namespaces, 192.0.2.21 upwards (at most 20).</summary>
    public LabTopologyBuilder WithClients(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 20);
        ClientCount = count;
        return this;
    }

    /// <summary>A Docker-like container behind the server: server:8080 is DNATed to container:80.</summary>
    public LabTopologyBuilder WithContainer(bool container = true)
    {
        HasContainer = container;
        return this;
    }

    /// <summary>
    /// Bystander namespaces that own the given IPv4 addresses (documentation ranges only), e.g. a real host at an
    /// address nmap -D uses as a decoy. IPv6 2001:db8:10::3:N. They get role <see cref="LabRole.Client"/> but are
    /// listed apart, in <see cref="LabTopology.Bystanders"/>.
    /// </summary>
    public LabTopologyBuilder WithBystanders(params string[] ipv4)
    {
        ArgumentNullException.ThrowIfNull(ipv4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ipv4.Length + ExtraHosts.Count, 8);
        ExtraHosts.AddRange(ipv4);
        return this;
    }

    public LabTopology Build() => LabTopology.Create(this);
}
