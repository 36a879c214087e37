namespace PortVeil.Effectiveness.Running;

/// <summary>One benign connection attempt (TCP connect), or DNS lookup (<paramref name="Protocol"/> "udp").</summary>
/// <param name="Guest">The guest's address.</param>
/// <param name="First">The guest's first connection in this run (a never-seen source).</param>
/// <param name="Port">Destination port on the server.</param>
/// <param name="Success">The handshake completed within the connect timeout.</param>
/// <param name="Milliseconds">Time until connected (or until the attempt failed).</param>
/// <param name="AtSeconds">When it started, seconds since the run began.</param>
/// <param name="Protocol">"tcp" (a connect) or "udp" (a DNS lookup: success = the A record came back).</param>
internal sealed record GuestSample(string Guest, bool First, int Port, bool Success, double Milliseconds, double AtSeconds, string Protocol = "tcp");
