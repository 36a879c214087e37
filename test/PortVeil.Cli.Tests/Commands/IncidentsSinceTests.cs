using PortVeil.Cli.Commands;

namespace PortVeil.Cli.Tests.Commands;

/// <summary>`portveil incidents --since`: what it accepts (no database involved).</summary>
public sealed class IncidentsSinceTests
{
    [Fact]
    public void Since_accepts_durations_and_absolute_times()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        Assert.True(IncidentsCommand.TryParseSince("90m", now, out var back));
        Assert.True(IncidentsCommand.TryParseSince("2026-11-25T08:00:00+02:00", now, out var absolute));

        Assert.Equal(now.AddMinutes(-90), back);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero), absolute);
    }
}
