using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Running;

/// <summary>
/// The services the lab server offers: four TCP host ports, the Docker-like published port, and two UDP services
/// (DNS on 53, NTP on 123: both in nmap's top 20 UDP ports, so a UDP scan has something real to find).
/// </summary>
internal sealed class LabServices : IDisposable
{
    /// <summary>TCP ports listening in the server namespace itself.</summary>
    public static readonly IReadOnlyList<int> HostPorts = [22, 25, 443, 8443];

    /// <summary>Every port reachable from outside: <see cref="HostPorts"/> and 8080 (DNAT to container:80).</summary>
    public static readonly IReadOnlySet<int> ReachablePorts = new HashSet<int>([.. HostPorts, LabTopology.PublishedPort]);

    /// <summary>UDP ports answered in the server namespace: DNS (<see cref="LabDns"/>) and NTP (<see cref="LabNtp"/>).</summary>
    public static readonly IReadOnlyList<int> UdpPorts = [53, 123];

    private readonly List<LabTcpListener> _listeners = [];
    private readonly List<LabUdpService> _udp = [];

    private LabServices()
    {
    }

    public static LabServices Start(LabTopology lab)
    {
        var services = new LabServices();
        try
        {
            foreach (var port in HostPorts)
            {
                services._listeners.Add(LabTcpListener.Start(lab.Server, port));
            }

            services._listeners.Add(LabTcpListener.Start(lab.Container!, LabTopology.ContainerPort));
            services._udp.Add(LabUdpService.Start(lab.Server, 53, LabDns.Answer));
            services._udp.Add(LabUdpService.Start(lab.Server, 123, LabNtp.Answer));
        }
        catch
        {
            services.Dispose();
            throw;
        }

        return services;
    }

    public void Dispose()
    {
        foreach (var l in _listeners)
        {
            l.Dispose();
        }

        foreach (var u in _udp)
        {
            u.Dispose();
        }
    }
}
