using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using PortVeil.Core;
using PortVeil.Enforcement.ServedPorts;
using Tomlyn.Syntax;

namespace PortVeil.Daemon.Options.Types;

/// <summary>
/// Ports and ranges, as nftables and fail2ban users write them: "22,443,udp/53,8000-8100" or an array. Without a
/// protocol a port is TCP. The result is sorted and free of duplicates; at most <see cref="MaxPorts"/> ports, so a
/// typo such as "1-65535" cannot fill a kernel set or the engine's tables.
/// </summary>
internal sealed class PortListType(bool allowProtocols, int maxPorts) : ConfigType<IReadOnlyList<ServedPort>>
{
    public bool AllowProtocols { get; } = allowProtocols;

    public int MaxPorts { get; } = maxPorts;

    public override string Describe => AllowProtocols
        ? $"port list such as \"22,443,udp/53,8000-8100\" (at most {MaxPorts} ports)"
        : $"TCP port list such as \"23,445,3389,5900-5910\" (at most {MaxPorts} ports)";

    public override bool TryParse(ValueSyntax value, [NotNullWhen(true)] out IReadOnlyList<ServedPort>? result, out string error)
    {
        result = null;
        var items = new List<string>();
        if (!ListItems.TryCollect(value, items, out error))
        {
            error = $"{error}; expected a {Describe}";
            return false;
        }

        var ports = new SortedSet<ServedPort>();
        foreach (var item in items)
        {
            if (!TryParseItem(item, ports, out error))
            {
                return false;
            }
        }

        result = [.. ports];
        return true;
    }

    private bool TryParseItem(string item, SortedSet<ServedPort> ports, out string error)
    {
        var protocol = IpProtocol.Tcp;
        var text = item.AsSpan();
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var name = text[..slash].Trim();
            if (!AllowProtocols)
            {
                error = $"\"{item}\": no protocol prefix here; these are TCP ports (write {text[(slash + 1)..].Trim()})";
                return false;
            }

            if (name.Equals("tcp", StringComparison.OrdinalIgnoreCase))
            {
                protocol = IpProtocol.Tcp;
            }
            else if (name.Equals("udp", StringComparison.OrdinalIgnoreCase))
            {
                protocol = IpProtocol.Udp;
            }
            else
            {
                error = $"\"{item}\": unknown protocol \"{name}\" (use tcp/ or udp/)";
                return false;
            }

            text = text[(slash + 1)..].Trim();
        }

        var dash = text.IndexOf('-');
        var firstText = dash >= 0 ? text[..dash].Trim() : text;
        var lastText = dash >= 0 ? text[(dash + 1)..].Trim() : text;
        if (!TryPort(firstText, out var first) || !TryPort(lastText, out var last))
        {
            error = $"\"{item}\" is not a port or range: ports are 1..65535, ranges look like 8000-8100";
            return false;
        }

        if (last < first)
        {
            error = $"\"{item}\": the range ends before it starts";
            return false;
        }

        if (ports.Count + (last - first + 1) > MaxPorts * 2 || CountAfter(ports, protocol, first, last) > MaxPorts)
        {
            error = $"\"{item}\" makes more than {MaxPorts} ports";
            return false;
        }

        for (var p = first; p <= last; p++)
        {
            ports.Add(new ServedPort(protocol, (ushort)p));
        }

        error = "";
        return true;
    }

    private static int CountAfter(SortedSet<ServedPort> ports, IpProtocol protocol, int first, int last)
    {
        var added = 0;
        for (var p = first; p <= last; p++)
        {
            if (!ports.Contains(new ServedPort(protocol, (ushort)p)))
            {
                added++;
            }
        }

        return ports.Count + added;
    }

    private static bool TryPort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;

    public override string Format(IReadOnlyList<ServedPort> value) => Quote(Display(value));

    /// <summary>Runs of consecutive ports collapse into ranges: 8000,8001,8002 prints "8000-8002".</summary>
    public override string Display(IReadOnlyList<ServedPort> value)
    {
        var sorted = value.Order().ToArray();
        var sb = new StringBuilder();
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j + 1 < sorted.Length && sorted[j + 1].Protocol == sorted[i].Protocol && sorted[j + 1].Port == sorted[j].Port + 1)
            {
                j++;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            if (sorted[i].Protocol != IpProtocol.Tcp)
            {
                sb.Append(sorted[i].Protocol == IpProtocol.Udp ? "udp/" : "tcp/");
            }

            sb.Append(sorted[i].Port.ToString(CultureInfo.InvariantCulture));
            if (j > i)
            {
                sb.Append('-').Append(sorted[j].Port.ToString(CultureInfo.InvariantCulture));
            }

            i = j + 1;
        }

        return sb.ToString();
    }
}
