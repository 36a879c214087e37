namespace PortVeil.IntegrationTests.Daemon;

/// <summary>Daemon tests run one at a time: each runs real nmap scans, and two at once on 2 cores only add noise.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DaemonCollection
{
    public const string Name = "daemon";
}
