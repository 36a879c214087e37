using System.Diagnostics;
using PortVeil.Effectiveness.Protections;

namespace PortVeil.Effectiveness.Running;

/// <summary>
/// Polls a protection's kernel bans and restrictions every 250 ms and remembers when each address was first seen
/// banned, and first seen restricted.
/// </summary>
internal sealed class BanWatcher
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, double> _firstSeen = [];
    private readonly Dictionary<string, double> _firstRestricted = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly IProtection _protection;
    private readonly Stopwatch _clock;

    private BanWatcher(IProtection protection, Stopwatch clock)
    {
        _protection = protection;
        _clock = clock;
        _loop = Task.Run(Loop);
    }

    public static BanWatcher Start(IProtection protection, Stopwatch clock) => new(protection, clock);

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            await PollAsync();
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Polls that failed (an nft or ipset listing that errored); the next poll tries again.</summary>
    public int Errors { get; private set; }

    private async Task PollAsync()
    {
        IReadOnlyList<string> banned;
        IReadOnlyList<string> restricted;
        try
        {
            banned = await _protection.BannedAsync();
            restricted = await _protection.RestrictedAsync();
        }
        catch (InvalidOperationException)
        {
            Errors++;
            return;
        }

        var now = _clock.Elapsed.TotalSeconds;
        lock (_firstSeen)
        {
            foreach (var address in banned)
            {
                _firstSeen.TryAdd(address, now);
            }

            foreach (var address in restricted)
            {
                _firstRestricted.TryAdd(address, now);
            }
        }
    }

    /// <summary>
    /// Stops polling after one last look; returns address → seconds since the run began when first seen banned, and
    /// the same for restrictions.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, double> Banned, IReadOnlyDictionary<string, double> Restricted)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await PollAsync();
        _stop.Dispose();
        lock (_firstSeen)
        {
            return (new Dictionary<string, double>(_firstSeen), new Dictionary<string, double>(_firstRestricted));
        }
    }
}
