using System.Threading.Channels;
using PortVeil.Core;
using PortVeil.Detection;

namespace PortVeil.Daemon.Pipeline;

/// <summary>
/// Hands verdicts from the detection thread to the ban loop. Verdicts are rare (one per scanner), so the channel
/// is large; if it ever fills, the engine thread never blocks: the verdict is counted as dropped.
/// </summary>
internal sealed class VerdictChannel : IVerdictSink
{
    public const int Capacity = 65_536;

    private readonly Channel<Verdict> _channel = Channel.CreateBounded<Verdict>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _dropped;

    public ChannelReader<Verdict> Reader => _channel.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnVerdict(Verdict verdict)
    {
        if (!_channel.Writer.TryWrite(verdict))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void Complete() => _channel.Writer.TryComplete();
}
