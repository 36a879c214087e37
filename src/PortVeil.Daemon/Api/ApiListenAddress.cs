using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace PortVeil.Daemon.Api;

/// <summary>Parses "127.0.0.1:9870", "[::1]:9870" or "localhost:9870" into an IP endpoint (no DNS lookups).</summary>
public static class ApiListenAddress
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPEndPoint? endpoint, out string error)
    {
        endpoint = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the listen address is empty; expected \"127.0.0.1:9870\" or \"[::1]:9870\"";
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"\"{text}\" is not ADDRESS:PORT such as \"127.0.0.1:9870\" or \"[::1]:9870\"";
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = $"\"{text}\": write an IPv6 address in brackets, such as \"[::1]:9870\"";
            return false;
        }

        if (host == "localhost")
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            error = $"\"{host}\" in \"{text}\" is not an IP address (host names are not resolved)";
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
