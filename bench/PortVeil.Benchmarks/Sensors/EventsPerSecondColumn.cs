using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PortVeil.Benchmarks.Sensors;

/// <summary>
/// "Events/s": events one benchmark invocation produces, divided by its mean time. The count is computed in the
/// host process (the benchmark itself runs in a child), by running the same reader once.
/// </summary>
internal sealed class EventsPerSecondColumn(Func<string, long> eventsPerInvocation) : IColumn
{
    public string Id => nameof(EventsPerSecondColumn);

    public string ColumnName => "Events/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Packet events produced per second (events per invocation / mean time)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var mean = report?.ResultStatistics?.Mean;
        if (mean is not > 0)
        {
            return "NA";
        }

        var events = eventsPerInvocation(benchmarkCase.Descriptor.WorkloadMethod.Name);
        return (events / (mean.Value / 1e9)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
