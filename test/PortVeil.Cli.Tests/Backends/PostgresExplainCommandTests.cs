using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Backends;

[Collection(PostgresCliCollection.Name)]
public sealed class PostgresExplainCommandTests(PostgresCliFixture postgres) : ExplainCommandTests(new OperatorState(postgres.Cluster));
