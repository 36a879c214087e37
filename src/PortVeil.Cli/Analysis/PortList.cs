using System.Text;

namespace PortVeil.Cli.Analysis;

/// <summary>Ports as people read them: "22,25,443" or "1-1024 (+3 more)" for long runs.</summary>
internal static class PortList
{
    public static string Format(IReadOnlyList<ushort> sortedPorts, int maxItems = 8)
    {
        if (sortedPorts.Count == 0)
        {
            return "-";
        }

        var sb = new StringBuilder();
        var items = 0;
        var i = 0;
        while (i < sortedPorts.Count)
        {
            var start = sortedPorts[i];
            var j = i;
            while (j + 1 < sortedPorts.Count && sortedPorts[j + 1] == sortedPorts[j] + 1)
            {
                j++;
            }

            if (items == maxItems)
            {
                sb.Append($" (+{sortedPorts.Count - i} more)");
                break;
            }

            if (items > 0)
            {
                sb.Append(',');
            }

            sb.Append(j > i ? $"{start}-{sortedPorts[j]}" : $"{start}");
            items++;
            i = j + 1;
        }

        return sb.ToString();
    }
}
