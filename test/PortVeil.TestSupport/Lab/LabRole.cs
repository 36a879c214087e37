namespace PortVeil.TestSupport.Lab;

/// <summary>What a namespace in a <see cref="LabTopology"/> plays.</summary>
public enum LabRole
{
    /// <summary>The protected host: 203.0.113.10, 2001:db8:10::10.</summary>
    Server,

    /// <summary>A Docker-like container behind the server, reached through DNAT on the server.</summary>
    Container,

    /// <summary>A scanning source in 198.51.100.0/24.</summary>
    Scanner,

    /// <summary>A benign guest in 192.0.2.0/24.</summary>
    Client,
}
