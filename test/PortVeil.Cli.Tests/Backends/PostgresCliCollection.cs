namespace PortVeil.Cli.Tests.Backends;

/// <summary>The CLI tests on [storage] backend = "postgresql" share one cluster and run one class after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCliCollection : ICollectionFixture<PostgresCliFixture>
{
    public const string Name = "cli-postgresql";
}
