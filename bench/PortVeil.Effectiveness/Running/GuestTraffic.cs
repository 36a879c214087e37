using System.Diagnostics;
using PortVeil.TestSupport.Lab;

namespace PortVeil.Effectiveness.Running;

/// <summary>
/// Benign guests connecting throughout a run: each client opens a new TCP connection to a random served port every
/// 1-3 s (a real connect from its own stack, SACK and window scale included), bounded by a stop signal and by
/// <see cref="MaxPerGuest"/> attempts. Every <see cref="DnsEvery"/>th attempt is followed by a DNS lookup at the
/// server (UDP 53), recorded apart (protocol "udp"); it draws nothing from the guest's random sequence, so the TCP
/// attempts (ports, pauses) are the same as before the lookups were added.
/// </summary>
internal sealed class GuestTraffic
{
    /// <summary>Longer than gating's cost (one retransmit, ~1 s) and than a second retransmit (~3 s).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A stub resolver's pacing (glibc: 5 s, 2 attempts); shorter tries, as one lost datagram should cost ~1 s like a SYN.</summary>
    public static readonly TimeSpan DnsTryTimeout = TimeSpan.FromSeconds(1);

    public const int DnsTries = 3;

    /// <summary>About one lookup per 6 s per guest (TCP attempts are 1-3 s apart).</summary>
    public const int DnsEvery = 3;

    private const int MaxPerGuest = 600;

    private readonly List<GuestSample> _samples = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock;

    private GuestTraffic(Stopwatch clock) => _clock = clock;

    public static GuestTraffic Start(LabTopology lab, Stopwatch clock, int seed)
    {
        var traffic = new GuestTraffic(clock);
        for (var i = 0; i < lab.Clients.Count; i++)
        {
            var guest = lab.Clients[i];
            var random = new Random(seed + i);
            traffic._loops.Add(Task.Run(() => traffic.Loop(guest, random)));
        }

        return traffic;
    }

    private async Task Loop(LabHost guest, Random random)
    {
        var ports = LabServices.ReachablePorts.Order().ToArray();
        var token = _stop.Token;
        try
        {
            // Stagger the guests' first connections over half a second.
            await Task.Delay(random.Next(0, 500), token);
            for (var n = 0; n < MaxPerGuest && !token.IsCancellationRequested; n++)
            {
                var port = ports[random.Next(ports.Length)];
                var at = _clock.Elapsed.TotalSeconds;
                var watch = Stopwatch.StartNew();
                var ok = LabTcpClient.TryConnect(guest, LabTopology.ServerIPv4, port, ConnectTimeout);
                var sample = new GuestSample(guest.IPv4, n == 0, port, ok, watch.Elapsed.TotalMilliseconds, at);
                lock (_samples)
                {
                    _samples.Add(sample);
                }

                if (n % DnsEvery == DnsEvery - 1)
                {
                    var dnsAt = _clock.Elapsed.TotalSeconds;
                    var dnsWatch = Stopwatch.StartNew();
                    var answered = LabDns.TryLookup(guest, LabTopology.ServerIPv4, (ushort)n, DnsTryTimeout, DnsTries);
                    var lookup = new GuestSample(guest.IPv4, false, 53, answered, dnsWatch.Elapsed.TotalMilliseconds, dnsAt, "udp");
                    lock (_samples)
                    {
                        _samples.Add(lookup);
                    }
                }

                await Task.Delay(random.Next(1000, 3001), token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped between attempts.
        }
    }

    /// <summary>Stops every guest (an attempt under way finishes, bounded by the connect timeout) and returns all samples.</summary>
    public async Task<IReadOnlyList<GuestSample>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
        lock (_samples)
        {
            return [.. _samples];
        }
    }
}
