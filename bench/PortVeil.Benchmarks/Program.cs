using BenchmarkDotNet.Running;

namespace PortVeil.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["detection-memory"])
        {
            Detection.DetectionMemoryReport.Run(Console.Out);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
