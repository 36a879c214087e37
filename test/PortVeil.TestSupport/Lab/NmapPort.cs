namespace PortVeil.TestSupport.Lab;

/// <summary>One port line of an nmap XML report.</summary>
/// <param name="Protocol">"tcp", "udp" or "sctp".</param>
/// <param name="State">"open", "closed", "filtered", "open|filtered", …</param>
/// <param name="Reason">Why nmap decided, e.g. "syn-ack", "reset", "no-response".</param>
public sealed record NmapPort(string Protocol, int Port, string State, string Reason);
