using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Running;

/// <summary>The services the lab server offers: four host ports and the Docker-like published port.</summary>
internal sealed class LabServices : IDisposable
{
    /// <summary>TCP ports listening in the server namespace itself.</summary>
    public static readonly IReadOnlyList<int> HostPorts = [22, 25, 443, 8443];

    /// <summary>Every port reachable from outside: <see cref="HostPorts"/> and 8080 (DNAT to container:80).</summary>
    public static readonly IReadOnlySet<int> ReachablePorts = new HashSet<int>([.. HostPorts, LabTopology.PublishedPort]);

    private readonly List<LabTcpListener> _listeners = [];

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
    }
}
