using PortVeil.Cli.Tests.Commands;

namespace PortVeil.Cli.Tests.Backends;

[Collection(PostgresCliCollection.Name)]
public sealed class PostgresAllowCommandTests(PostgresCliFixture postgres) : AllowCommandTests(new OperatorState(postgres.Cluster));
