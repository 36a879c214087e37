namespace PortVeil.Daemon.Api;

/// <summary>One server-sent event: its type ("ban", "unban", "incident", "allow") and its JSON data, serialized once for every client.</summary>
public sealed record LiveMessage(string Type, string Json);
