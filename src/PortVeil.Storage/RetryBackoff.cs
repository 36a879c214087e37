namespace PortVeil.Storage;

/// <summary>
/// The one place that decides how long to wait after a failed write (Serilog's FailureAwareBatchScheduler):
/// exponential from the initial delay, capped, reset by the first success.
/// </summary>
internal sealed class RetryBackoff(TimeSpan initial, TimeSpan max)
{
    public int ConsecutiveFailures { get; private set; }

    public void MarkSuccess() => ConsecutiveFailures = 0;

    public void MarkFailure() => ConsecutiveFailures++;

    public TimeSpan NextDelay
    {
        get
        {
            if (ConsecutiveFailures == 0)
            {
                return TimeSpan.Zero;
            }

            // 2^(n-1) × initial, computed in doubles so 60 failures cannot overflow.
            var ms = initial.TotalMilliseconds * Math.Pow(2, Math.Min(ConsecutiveFailures - 1, 30));
            return TimeSpan.FromMilliseconds(Math.Min(ms, max.TotalMilliseconds));
        }
    }
}
