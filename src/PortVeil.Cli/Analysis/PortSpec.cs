using System.Globalization;
using PortVeil.Core;

namespace PortVeil.Cli.Analysis;

/// <summary>A served port or range given on the command line: "22", "8000-8100", "udp/53", "tcp/443".</summary>
internal readonly record struct PortSpec(IpProtocol Protocol, ushort First, ushort Last)
{
    /// <summary>Parses a comma-separated list; returns false with a message naming the bad item.</summary>
    public static bool TryParseList(string text, List<PortSpec> into, out string? error)
    {
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParse(raw, out var spec))
            {
                error = $"'{raw}' is not a port, range or proto/port (examples: 22, 8000-8100, udp/53, tcp/443)";
                return false;
            }

            into.Add(spec);
        }

        error = null;
        return true;
    }

    public static bool TryParse(string text, out PortSpec spec)
    {
        spec = default;
        var protocol = IpProtocol.Tcp;
        var body = text.AsSpan();
        var slash = body.IndexOf('/');
        if (slash >= 0)
        {
            var proto = body[..slash];
            if (proto.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                protocol = IpProtocol.Tcp;
            }
            else if (proto.Equals("udp", StringComparison.OrdinalIgnoreCase))
            {
                protocol = IpProtocol.Udp;
            }
            else if (proto.Equals("sctp", StringComparison.OrdinalIgnoreCase))
            {
                protocol = IpProtocol.Sctp;
            }
            else
            {
                return false;
            }

            body = body[(slash + 1)..];
        }

        var dash = body.IndexOf('-');
        if (dash < 0)
        {
            if (!ushort.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p == 0)
            {
                return false;
            }

            spec = new PortSpec(protocol, p, p);
            return true;
        }

        if (!ushort.TryParse(body[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var a) ||
            !ushort.TryParse(body[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ||
            a == 0 || b < a)
        {
            return false;
        }

        spec = new PortSpec(protocol, a, b);
        return true;
    }
}
