namespace PortVeil.Core;

/// <summary>
/// Counts parse errors and keeps the first few in full, like scanlogd's rate-limited log: a flood of garbage
/// costs a counter, not memory.
/// </summary>
public sealed class ParseErrorLog
{
    private readonly List<ParseError> _kept = [];

    public ParseErrorLog(int keep = 20)
    {
        Keep = keep;
    }

    public int Keep { get; }

    public long Count { get; private set; }

    public IReadOnlyList<ParseError> Kept => _kept;

    public void Add(in ParseError error)
    {
        Count++;
        if (_kept.Count < Keep)
        {
            _kept.Add(error);
        }
    }
}
