using PortVeil.Core;
using PortVeil.Sensors;

namespace PortVeil.Cli.Analysis;

/// <summary>
/// Guesses which ports a host serves from a kernel log, which holds only inbound packets and none of the host's
/// answers. A TCP port is taken as served when at least two different sources opened it with a full operating-system
/// SYN (SACK-permitted and window scale: a real client stack, not a raw scanner probe); a UDP port when two different
/// sources sent to it. One source is never enough, so a single scanner — even a connect() scan — cannot make its
/// own probes look served.
/// </summary>
/// <remarks>
/// Without this, every guest's connection in a kernel log looks like a probe of a closed port. It is a guess:
/// `--served` is exact and always wins. A distributed connect() scan from many sources can make a port look served;
/// that only hides those probes, it never flags a guest.
/// </remarks>
internal static class ServedPortInference
{
    public const int MinDistinctSources = 2;

    public static IReadOnlyList<PortSpec> FromKernelLog(string path)
    {
        var firstSource = new Dictionary<(IpProtocol, ushort), NetAddress>();
        var served = new SortedSet<(IpProtocol, ushort)>();
        using var source = CaptureFile.Open(path);
        if (source.Format != CaptureFormat.KernelLog)
        {
            return [];
        }

        while (source.TryRead(out var p))
        {
            if (p.Direction == PacketDirection.Outbound || p.Source.IsLoopbackOrUnspecified)
            {
                continue;
            }

            var osSyn = p.IsTcpSyn && p.Options.SackPermitted && p.Options.HasWindowScale;
            if (!osSyn && p.Protocol != IpProtocol.Udp)
            {
                continue;
            }

            var key = (p.Protocol, p.DestinationPort);
            if (served.Contains(key))
            {
                continue;
            }

            if (!firstSource.TryGetValue(key, out var first))
            {
                firstSource[key] = p.Source;
            }
            else if (first != p.Source)
            {
                served.Add(key);
            }
        }

        var specs = new List<PortSpec>(served.Count);
        foreach (var (protocol, port) in served)
        {
            specs.Add(new PortSpec(protocol, port, port));
        }

        return specs;
    }

    public static string Describe(IReadOnlyList<PortSpec> specs)
    {
        if (specs.Count == 0)
        {
            return "none";
        }

        var parts = new List<string>(specs.Count);
        foreach (var s in specs)
        {
            parts.Add(s.Protocol == IpProtocol.Tcp ? $"{s.First}" : $"{s.Protocol.ToString().ToLowerInvariant()}/{s.First}");
        }

        return string.Join(',', parts);
    }
}
