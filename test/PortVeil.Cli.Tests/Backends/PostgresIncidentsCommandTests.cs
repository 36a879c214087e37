using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Backends;

[Collection(PostgresCliCollection.Name)]
public sealed class PostgresIncidentsCommandTests(PostgresCliFixture postgres) : IncidentsCommandTests(new OperatorState(postgres.Cluster));
